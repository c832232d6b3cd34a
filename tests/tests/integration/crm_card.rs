//! The Deeto tab on the production adapters: DynamoDB (moto) for the records, the role and
//! connection indexes, the cool-down claims and the reference requests; SQS (moto) for the
//! queued syncs and Deeto's inbox; the HubSpot simulator behind the guarded client for the
//! inline sync. The `crm-card` handler is called in process with signed requests.

use std::sync::Arc;
use std::time::Duration;

use common::adapters::dynamodb::card_state::DynamoCardState;
use common::adapters::dynamodb::rate_budget::DynamoRateBudget;
use common::adapters::dynamodb::records::DynamoRecordStore;
use common::adapters::secrets::token_vault::SecretsManagerTokenVault;
use common::adapters::sync_worker::{WorkerQueues, sync_worker};
use common::card::{CardService, RefreshPolicy};
use common::domain::ids::{ObjectId, PortalId};
use common::ports::{
    BudgetProbe, CallKind, CardState, DeetoTicket, RateBudget, SystemClock, TokenVault,
};
use common::sync::{CrmObject, DeetoRecord, FieldChange, RecordKey, RecordStore, Role};
use crm_card::{CrmCard, handle};
use devstack::{api_gateway_v2_request, sign_fetch};
use hubspot_sim::{ObjectType, SimConfig, Simulator};
use integration_tests::{TestStack, now_ms};
use secrecy::SecretString;
use serde_json::Value;

use crate::sim_stack::hubspot_stack;

const PORTAL: u64 = 62515;
const BASE: &str = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com";
const HUBSPOT_PARAMS: &str = "userId=7&userEmail=rep%40example.com&appId=54321&portalId=62515";
const HOUR: i64 = 3_600_000;

struct Tab {
    stack: TestStack,
    card: CrmCard,
    records: DynamoRecordStore,
    state: DynamoCardState,
    secret: String,
}

impl Tab {
    async fn new(sim: &hubspot_sim::RunningSim, inline: bool) -> Self {
        let stack = TestStack::new().await;
        stack.connect_tenant("acme", PORTAL).await;
        let vault = SecretsManagerTokenVault::new(
            aws_sdk_secretsmanager::Client::new(&stack.sdk),
            stack.token_secret_prefix(),
        );
        let refresh = SecretString::from(sim.issue_token(PORTAL).refresh_token);
        vault
            .store_refresh_token(PortalId(PORTAL), &refresh)
            .await
            .expect("token");
        let hubspot = hubspot_stack(&stack, sim);
        let table = stack.reference("Table");
        let (outbound, sync) = (
            stack.reference("OutboundQueue"),
            stack.reference("SyncQueue"),
        );
        let worker = sync_worker(
            &stack.sdk,
            &hubspot,
            &table,
            WorkerQueues {
                outbound: &outbound,
                sync: &sync,
            },
        );
        let dynamodb = aws_sdk_dynamodb::Client::new(&stack.sdk);
        let service = CardService {
            tenants: worker.tenants.clone(),
            configs: worker.configs.clone(),
            records: worker.records.clone(),
            tickets: worker.tickets.clone(),
            state: Arc::new(DynamoCardState::new(dynamodb.clone(), &table)),
            pools: worker.pools.clone(),
            budget: Arc::new(DynamoRateBudget::new(dynamodb.clone(), &table)),
            sync_queue: worker.sync_queue.clone(),
            outbound: worker.outbound.clone(),
            clock: Arc::new(SystemClock),
            inline: inline.then(|| worker.clone()),
            install_url: String::new(),
            // Time is not what these tests check: the first inline sync also fetches a token
            // from the simulator and reads Secrets Manager on moto.
            policy: RefreshPolicy {
                inline_budget: Duration::from_secs(30),
                ..RefreshPolicy::default()
            },
        };
        let secret = SimConfig::default().app.client_secret;
        let card = CrmCard {
            client_secret: SecretString::from(secret.clone()),
            service,
            clock: Arc::new(SystemClock),
            public_base_url: None,
        };
        let records = DynamoRecordStore::new(dynamodb.clone(), &table);
        let state = DynamoCardState::new(dynamodb, &table);
        Self {
            stack,
            card,
            records,
            state,
            secret,
        }
    }

    async fn call(&self, method: &str, path_and_query: &str, body: &str) -> (u16, Value) {
        let url = format!("{BASE}{path_and_query}");
        let signed = sign_fetch(&self.secret, method, &url, body, now_ms());
        let headers: Vec<(&str, String)> = signed.headers().into_iter().collect();
        let event =
            api_gateway_v2_request(method, &url, body, &headers, "$default").expect("event");
        let req = lambda_http::request::from_str(&event.to_string()).expect("event parses");
        let response = handle(&self.card, req).await;
        let status = response.status().as_u16();
        (
            status,
            serde_json::from_slice(response.body().as_ref()).expect("JSON"),
        )
    }

    async fn open(&self, object: &str, id: u64, extra: &str) -> Value {
        let (status, body) = self
            .call(
                "GET",
                &format!("/card?objectType={object}&objectId={id}{extra}&{HUBSPOT_PARAMS}"),
                "",
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// A contact Deeto knows, last synced `synced_at`, with `fields`.
    async fn contact(
        &self,
        id: u64,
        role: Option<Role>,
        fields: &[(&str, &str)],
        synced_at: i64,
    ) -> RecordKey {
        let key = RecordKey::new(PortalId(PORTAL), CrmObject::Contact, ObjectId(id));
        self.record(key, role, fields, synced_at).await;
        key
    }

    async fn record(
        &self,
        key: RecordKey,
        role: Option<Role>,
        fields: &[(&str, &str)],
        synced_at: i64,
    ) {
        let changes: Vec<FieldChange> = (fields.iter())
            .map(|(p, v)| FieldChange {
                property: (*p).into(),
                value: Some((*v).into()),
                changed_at_ms: 1,
            })
            .collect();
        self.records
            .apply_changes(key, &changes, synced_at)
            .await
            .expect("fields");
        if let Some(role) = role {
            let deeto_id = format!("deeto-{}", key.object_id);
            self.records
                .assign_role(key, role, Some(&deeto_id), 1)
                .await
                .expect("role");
        }
    }

    async fn queued(&self, logical_id: &str, expected: usize) -> Vec<Value> {
        let queue = self.stack.reference(logical_id);
        self.stack
            .receive(&queue, expected, Duration::from_secs(3))
            .await
    }
}

fn ids(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i[field].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_tab_is_built_from_dynamodbs_role_and_connection_indexes() {
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator");
    let tab = Tab::new(&sim, false).await;
    let now = now_ms();
    let ada = tab
        .contact(101, Some(Role::Reference), &[("firstname", "Ada")], now)
        .await;
    let acme = RecordKey::new(PortalId(PORTAL), CrmObject::Company, ObjectId(301));
    tab.record(
        acme,
        None,
        &[
            ("name", "Acme"),
            ("industry", "RETAIL"),
            ("numberofemployees", "40"),
        ],
        now,
    )
    .await;
    tab.records
        .set_link(ada, acme, true, 1)
        .await
        .expect("link");
    // A reference seeded in bulk is in the role index too.
    let bo = DeetoRecord::new(RecordKey::new(
        PortalId(PORTAL),
        CrmObject::Contact,
        ObjectId(102),
    ))
    .with_role(Role::Reference)
    .with_field("firstname", "Bo", 1)
    .with_field("industry", "RETAIL", 1);
    tab.records.import(&[bo]).await.expect("import");
    // Connection conn-1 first named Ada and Pat; its re-created ticket names only Pat.
    let tickets = &tab.card.service.tickets;
    let ticket = |id: u64, contacts: &[u64]| DeetoTicket {
        ticket_id: ObjectId(id),
        connection: "conn-1".into(),
        deal_id: ObjectId(501),
        contacts: contacts.iter().copied().map(ObjectId).collect(),
        status: "scheduled".into(),
        kind: "meeting".into(),
        status_order: 0,
        kind_order: 0,
    };
    tickets
        .put(PortalId(PORTAL), &ticket(9001, &[101, 201]))
        .await
        .expect("put");
    tickets
        .put(PortalId(PORTAL), &ticket(9002, &[201]))
        .await
        .expect("re-put");

    let ada_tab = tab.open("contact", 101, "").await;
    let pat_tab = tab.open("contact", 201, "").await;
    let deal_tab = tab
        .open("deal", 501, "&industry=retail&companySize=45")
        .await;
    let company_tab = tab.open("company", 301, "").await;

    assert_eq!(ada_tab["contact"]["referenceStatus"], "reference");
    assert_eq!(
        ids(&ada_tab["contact"]["connections"], "ticketId"),
        Vec::<String>::new(),
        "the stale index entry is not believed"
    );
    assert_eq!(
        ids(&pat_tab["contact"]["connections"], "ticketId"),
        ["9002"]
    );
    assert_eq!(ids(&deal_tab["deal"]["connections"], "ticketId"), ["9002"]);
    assert_eq!(
        ids(&deal_tab["deal"]["suggestions"], "contactId"),
        ["101", "102"],
        "{deal_tab}"
    );
    assert_eq!(
        ids(&company_tab["company"]["references"], "contactId"),
        ["101"]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_stale_record_is_synced_inline_from_hubspot_and_the_next_open_cools_down() {
    let logs = integration_tests::logs::capture_logs();
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator");
    let tab = Tab::new(&sim, true).await;
    let properties = crate::commands_runtime::deeto_properties().to_string();
    sim.load_fixture_json(PORTAL, &properties)
        .expect("Deeto's properties, as the install creates them");
    let ada = sim
        .create_as_user(
            PORTAL,
            ObjectType::Contacts,
            &[("email", "ada@acme.test"), ("jobtitle", "CTO")],
        )
        .expect("created");
    let key = tab
        .contact(
            ada,
            Some(Role::Reference),
            &[("email", "ada@acme.test"), ("jobtitle", "Engineer")],
            now_ms() - 2 * HOUR,
        )
        .await;

    let first = tab.open("contact", ada, "").await;
    let second = tab.open("contact", ada, "").await;

    let warnings: Vec<String> = (logs.text().lines())
        .filter(|l| l.contains("\"WARN\"") || l.contains("\"ERROR\""))
        .map(str::to_owned)
        .collect();
    assert_eq!(first["sync"]["status"], "synced", "{first} {warnings:#?}");
    let stored = tab
        .records
        .get_many(key.portal, key.object, &[key.object_id])
        .await
        .expect("read");
    assert_eq!(
        stored[0].field("jobtitle"),
        Some("CTO"),
        "the inline sync read HubSpot and repaired the record"
    );
    assert_eq!(second["sync"]["status"], "cooling_down");
    let ada_in_hubspot = sim
        .record(PORTAL, ObjectType::Contacts, ada)
        .expect("record");
    assert_eq!(
        ada_in_hubspot["properties"]["deeto_id"],
        format!("deeto-{ada}"),
        "the lost Deeto Id written back"
    );
    let inbox = tab.queued("OutboundQueue", 1).await;
    assert_eq!(inbox[0]["type"], "record.updated.v1", "{inbox:?}");
    assert!(
        tab.queued("SyncQueue", 1).await.is_empty(),
        "nothing queued for a sync done inline"
    );
}

#[tokio::test]
async fn without_inline_sync_one_refresh_is_queued_per_cool_down() {
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator");
    let tab = Tab::new(&sim, false).await;
    tab.contact(
        101,
        Some(Role::Reference),
        &[("firstname", "Ada")],
        now_ms() - 5 * 60_000,
    )
    .await;

    for _ in 0..3 {
        tab.open("contact", 101, "").await;
    }

    let queued = tab.queued("SyncQueue", 2).await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0]["type"], "record.refresh.v1");
    assert_eq!(
        (
            queued[0]["objectType"].as_str(),
            queued[0]["objectId"].as_u64()
        ),
        (Some("contact"), Some(101))
    );
    let claimed_again = tab
        .state
        .claim_refresh(
            RecordKey::new(PortalId(PORTAL), CrmObject::Contact, ObjectId(101)),
            now_ms(),
            300_000,
        )
        .await
        .expect("claim");
    assert!(!claimed_again, "DynamoDB holds the claim for the cool-down");
}

#[tokio::test]
async fn a_reference_request_reaches_deetos_inbox_once() {
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator");
    let tab = Tab::new(&sim, false).await;
    tab.contact(
        101,
        Some(Role::Reference),
        &[("firstname", "Ada")],
        now_ms(),
    )
    .await;
    let path = format!("/card/actions/request-reference?{HUBSPOT_PARAMS}");
    let ask = r#"{"dealId":"501","referenceContactId":"101"}"#;

    let (first, answer) = tab.call("POST", &path, ask).await;
    let (again, repeat) = tab.call("POST", &path, ask).await;

    assert_eq!((first, again), (200, 200), "{answer} {repeat}");
    assert_eq!(
        (answer["status"].as_str(), repeat["status"].as_str()),
        (Some("requested"), Some("already_requested"))
    );
    let inbox = tab.queued("OutboundQueue", 2).await;
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0]["type"], "reference.requested.v1");
    assert_eq!(inbox[0]["referenceDeetoId"], "deeto-101");
    let requested = tab
        .state
        .requested_references(PortalId(PORTAL), ObjectId(501))
        .await
        .expect("read");
    assert!(requested.contains(&ObjectId(101)));
}

#[tokio::test]
async fn the_budget_probe_reports_busy_once_half_the_window_is_spent() {
    let stack = TestStack::new().await;
    let budget = DynamoRateBudget::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );
    let portal = PortalId(PORTAL);
    // Early in a fresh window, so the pacing allows the whole burst of slots below.
    let window_start = (now_ms() / 10_000) * 10_000;
    let at = window_start + 9_000;

    let idle = budget.is_busy(portal, at).await.expect("probe");
    let mut granted = 0;
    while granted < 60
        && budget
            .try_acquire(portal, CallKind::Standard, at)
            .await
            .expect("slot")
            .is_none()
    {
        granted += 1;
    }
    let busy = budget.is_busy(portal, at).await.expect("probe");

    assert!(!idle);
    assert!(granted >= 52, "the budget granted only {granted} slots");
    assert!(busy);
}
