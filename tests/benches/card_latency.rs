//! The Deeto tab's answer time (`GET /card` through the `crm-card` handler, signature check
//! included) on DynamoDB and SQS served by moto, for a portal with 500 references, their
//! companies and 1,000 connections: p50/p95/p99 per record type against the 1-second target.
//! moto answers slower than DynamoDB, so these are upper figures. The on-demand sync is queued
//! (no inline HubSpot call): the figure is the tab's own path.
//!
//! Needs moto: run with `make bench`. `CARD_OPENS=N` sets the opens per record type (default 20).

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use common::adapters::dynamodb::card_state::DynamoCardState;
use common::adapters::dynamodb::records::DynamoRecordStore;
use common::adapters::dynamodb::reference_pools::DynamoReferencePools;
use common::adapters::dynamodb::tenants::DynamoTenantStore;
use common::adapters::dynamodb::tickets::DynamoTicketStore;
use common::adapters::sqs::SqsJobQueue;
use common::card::{CardService, RefreshPolicy};
use common::domain::ids::{ObjectId, PortalId};
use common::ports::{BudgetProbe, DeetoTicket, StoreError, SystemClock, TicketStore};
use common::sync::config::DefaultConfigSource;
use common::sync::outbox::QueueOutbox;
use common::sync::record::Link;
use common::sync::{CrmObject, DeetoRecord, RecordKey, Role};
use crm_card::{CrmCard, handle};
use devstack::{api_gateway_v2_request, sign_fetch};
use integration_tests::{LOCAL_CLIENT_SECRET, TestStack, now_ms};
use secrecy::SecretString;

const PORTAL: u64 = 62515;
const REFERENCES: u64 = 500;
const CONNECTIONS: u64 = 1_000;
const TARGET: Duration = Duration::from_secs(1);
const BASE: &str = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com";
const INDUSTRIES: [&str; 5] = [
    "COMPUTER_SOFTWARE",
    "RETAIL",
    "BANKING",
    "HOSPITAL_HEALTH_CARE",
    "INSURANCE",
];

/// The query of the i-th open of one record type.
type QueryOf = Box<dyn Fn(usize) -> String>;

struct NeverBusy;

#[async_trait]
impl BudgetProbe for NeverBusy {
    async fn is_busy(&self, _: PortalId, _: i64) -> Result<bool, StoreError> {
        Ok(false)
    }
}

fn key(object: CrmObject, id: u64) -> RecordKey {
    RecordKey::new(PortalId(PORTAL), object, ObjectId(id))
}

/// References 1..=500, each at its own company (10_000 + n) of one of five industries.
fn seed() -> Vec<DeetoRecord> {
    let link = Link {
        present: true,
        changed_at_ms: 1,
    };
    let mut records = Vec::new();
    for n in 1..=REFERENCES {
        let company = 10_000 + n;
        let mut contact = DeetoRecord::new(key(CrmObject::Contact, n))
            .with_role(Role::Reference)
            .with_deeto_id(format!("ref_{n}"))
            .with_field("firstname", &format!("Reference {n}"), 1)
            .with_field("email", &format!("r{n}@example.com"), 1);
        contact.last_sync_ms = Some(now_ms());
        contact
            .links
            .insert((CrmObject::Company, ObjectId(company)), link);
        let industry = INDUSTRIES[(n % 5) as usize];
        let size = (n * 37 % 5_000 + 1).to_string();
        let mut company_record = DeetoRecord::new(key(CrmObject::Company, company))
            .with_role(Role::Company)
            .with_field("name", &format!("Company {n}"), 1)
            .with_field("industry", industry, 1)
            .with_field("numberofemployees", &size, 1);
        company_record
            .links
            .insert((CrmObject::Contact, ObjectId(n)), link);
        records.extend([contact, company_record]);
    }
    records
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let stack = TestStack::new().await;
    stack.connect_tenant("acme", PORTAL).await;
    let table = stack.reference("Table");
    let dynamodb = aws_sdk_dynamodb::Client::new(&stack.sdk);
    let records = Arc::new(DynamoRecordStore::new(dynamodb.clone(), &table));
    let tickets = Arc::new(DynamoTicketStore::new(dynamodb.clone(), &table));
    let seeding = Instant::now();
    records.import(&seed()).await.expect("seeded");
    for c in 0..CONNECTIONS {
        let ticket = DeetoTicket {
            ticket_id: ObjectId(900_000 + c),
            connection: format!("conn-{c}"),
            deal_id: ObjectId(50_000 + c % 100),
            contacts: vec![ObjectId(1 + c % REFERENCES), ObjectId(20_000 + c)],
            status: "scheduled".into(),
            kind: "meeting".into(),
            status_order: 0,
            kind_order: 0,
        };
        tickets
            .put(PortalId(PORTAL), &ticket)
            .await
            .expect("ticket");
    }
    eprintln!("seeded in {:.1} s", seeding.elapsed().as_secs_f64());
    let outbound = Arc::new(SqsJobQueue::new(
        stack.sqs.clone(),
        stack.reference("OutboundQueue"),
    ));
    let service = CardService {
        tenants: Arc::new(DynamoTenantStore::new(dynamodb.clone(), &table)),
        configs: Arc::new(DefaultConfigSource::default()),
        records,
        tickets,
        state: Arc::new(DynamoCardState::new(dynamodb.clone(), &table)),
        pools: Arc::new(DynamoReferencePools::new(dynamodb, &table)),
        budget: Arc::new(NeverBusy),
        sync_queue: Arc::new(SqsJobQueue::new(
            stack.sqs.clone(),
            stack.reference("SyncQueue"),
        )),
        outbound: Arc::new(QueueOutbox::new(outbound)),
        inline: None,
        clock: Arc::new(SystemClock),
        install_url: String::new(),
        policy: RefreshPolicy::default(),
    };
    let card = CrmCard {
        client_secret: SecretString::from(LOCAL_CLIENT_SECRET),
        service,
        clock: Arc::new(SystemClock),
        public_base_url: None,
    };
    let opens: usize = std::env::var("CARD_OPENS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let params = "userId=7&portalId=62515";
    let kinds: [(&str, QueryOf); 3] = [
        (
            "contact (a reference)",
            Box::new(|i| format!("objectType=contact&objectId={}", 1 + i as u64 % REFERENCES)),
        ),
        (
            "company",
            Box::new(|i| {
                format!(
                    "objectType=company&objectId={}",
                    10_001 + i as u64 % REFERENCES
                )
            }),
        ),
        (
            "deal (suggestions over 500 references)",
            Box::new(|i| {
                format!(
                    "objectType=deal&objectId={}&industry=RETAIL&companySize=250",
                    50_000 + i % 100
                )
            }),
        ),
    ];
    println!(
        "Deeto tab, GET /card on moto: {REFERENCES} references, {CONNECTIONS} connections, {opens} opens each"
    );
    println!(
        "{:<40} {:>8} {:>8} {:>8} {:>8} {:>12}",
        "record", "p50 ms", "p95 ms", "p99 ms", "max ms", "p99/target"
    );
    // The portal's first deal open builds its reference pool (once; later rebuilds run on the
    // sync worker): shown apart, it is not what a rep sees on later opens.
    let first = open(
        &card,
        &format!("objectType=deal&objectId=49999&industry=RETAIL&companySize=250&{params}"),
    )
    .await;
    println!(
        "{:<40} {:>8.1}   (once per portal: builds the reference pool)",
        "deal, the portal's first",
        ms(first)
    );
    for (name, query) in &kinds {
        let mut times = Vec::with_capacity(opens);
        for i in 0..opens {
            times.push(open(&card, &format!("{}&{params}", query(i))).await);
        }
        times.sort();
        let p99 = percentile(&times, 0.99);
        println!(
            "{name:<40} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>12.2}",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(p99),
            ms(times[times.len() - 1]),
            p99.as_secs_f64() / TARGET.as_secs_f64()
        );
    }
}

/// One signed `GET /card?{query}` through the handler, and how long it took.
async fn open(card: &CrmCard, query: &str) -> Duration {
    let url = format!("{BASE}/card?{query}");
    let signed = sign_fetch(LOCAL_CLIENT_SECRET, "GET", &url, "", now_ms());
    let headers: Vec<(&str, String)> = signed.headers().into_iter().collect();
    let event = api_gateway_v2_request("GET", &url, "", &headers, "$default").expect("event");
    let req = lambda_http::request::from_str(&event.to_string()).expect("event");
    let started = Instant::now();
    let response = handle(card, req).await;
    let took = started.elapsed();
    assert_eq!(response.status(), 200, "{:?}", response.body());
    took
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
