//! The write path's DynamoDB adapters on moto through the real SDK: the command ledger's
//! once-only `done_at`, and the ticket store's two items (ownership first, then connection).

use aws_sdk_dynamodb::types::AttributeValue;
use common::adapters::dynamodb::commands::DynamoCommandLedger;
use common::adapters::dynamodb::tickets::DynamoTicketStore;
use common::commands::CommandId;
use common::domain::ids::{ObjectId, PortalId};
use common::ports::{Claim, CommandLedger, DeetoTicket, StoreError, TicketStore};
use integration_tests::TestStack;

const PORTAL: PortalId = PortalId(62515);
const OTHER_PORTAL: PortalId = PortalId(99);

struct Stores {
    _stack: TestStack,
    dynamo: aws_sdk_dynamodb::Client,
    table: String,
    ledger: DynamoCommandLedger,
    tickets: DynamoTicketStore,
}

impl Stores {
    async fn start() -> Self {
        let stack = TestStack::new().await;
        let dynamo = aws_sdk_dynamodb::Client::new(&stack.sdk);
        let table = stack.reference("Table");
        Self {
            ledger: DynamoCommandLedger::new(dynamo.clone(), &table),
            tickets: DynamoTicketStore::new(dynamo.clone(), &table),
            _stack: stack,
            dynamo,
            table,
        }
    }

    async fn item(&self, sk: &str) -> Option<std::collections::HashMap<String, AttributeValue>> {
        self.dynamo
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(format!("PORTAL#{PORTAL}")))
            .key("sk", AttributeValue::S(sk.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .expect("read")
            .item
    }
}

fn ticket(id: u64, connection: &str) -> DeetoTicket {
    DeetoTicket {
        ticket_id: ObjectId(id),
        connection: connection.to_owned(),
        deal_id: ObjectId(301),
        contacts: vec![ObjectId(101), ObjectId(102)],
        status: "scheduled".into(),
        kind: "reference_call".into(),
        status_order: 0,
        kind_order: 0,
    }
}

#[tokio::test]
async fn a_command_is_done_once_and_a_replayed_mark_keeps_the_first_time() {
    let t = Stores::start().await;
    let id = CommandId("cmd-1#with-hash".into());

    let before = t.ledger.is_done(PORTAL, &id).await;
    t.ledger
        .mark_done(PORTAL, &id, 1_000)
        .await
        .expect("marked");
    t.ledger
        .mark_done(PORTAL, &id, 2_000)
        .await
        .expect("marking again is fine");

    assert_eq!(before, Ok(false));
    assert_eq!(t.ledger.is_done(PORTAL, &id).await, Ok(true));
    assert_eq!(t.ledger.is_done(OTHER_PORTAL, &id).await, Ok(false));
    assert_eq!(
        t.ledger.is_done(PORTAL, &CommandId("cmd-1".into())).await,
        Ok(false)
    );
    let item = t.item("COMMAND#cmd-1#with-hash").await.expect("stored");
    assert_eq!(item["done_at"], AttributeValue::N("1000".into()));
}

#[tokio::test]
async fn a_recorded_ticket_is_found_by_connection_and_owned_in_its_portal_only() {
    let t = Stores::start().await;

    let before = t.tickets.for_connection(PORTAL, "conn-1").await;
    t.tickets
        .put(PORTAL, &ticket(501, "conn-1"))
        .await
        .expect("put");

    assert_eq!(before, Ok(None));
    assert_eq!(
        t.tickets.for_connection(PORTAL, "conn-1").await,
        Ok(Some(ticket(501, "conn-1")))
    );
    assert_eq!(
        t.tickets.for_connection(OTHER_PORTAL, "conn-1").await,
        Ok(None)
    );
    assert_eq!(t.tickets.owns(PORTAL, ObjectId(501)).await, Ok(true));
    assert_eq!(t.tickets.owns(PORTAL, ObjectId(502)).await, Ok(false));
    assert_eq!(t.tickets.owns(OTHER_PORTAL, ObjectId(501)).await, Ok(false));
    let owned = t.item("TICKET#ID#501").await.expect("ownership item");
    assert_eq!(owned["connection"], AttributeValue::S("conn-1".into()));
    let connection = t.item("TICKET#CONN#conn-1").await.expect("connection item");
    assert_eq!(connection["ticket_id"], AttributeValue::N("501".into()));
    assert_eq!(
        connection["contact_ids"],
        AttributeValue::L(vec![
            AttributeValue::N("101".into()),
            AttributeValue::N("102".into())
        ])
    );
}

#[tokio::test]
async fn an_update_is_recorded_only_while_nobody_recorded_one_since_it_read() {
    let t = Stores::start().await;
    let (conn, mut first, mut second) = ("conn-u", ticket(601, "conn-u"), ticket(601, "conn-u"));
    let before = t.tickets.put_unless_changed(PORTAL, &first, (0, 0)).await;
    t.tickets
        .put(PORTAL, &ticket(601, conn))
        .await
        .expect("put");
    // Two workers read orders (0, 0); the first records its update, the second is refused.
    (first.status, first.status_order) = ("completed".into(), 2_000);
    (second.status, second.status_order) = ("cancelled".into(), 1_000);

    let won = t.tickets.put_unless_changed(PORTAL, &first, (0, 0)).await;
    let lost = t.tickets.put_unless_changed(PORTAL, &second, (0, 0)).await;

    assert_eq!(
        before,
        Ok(false),
        "no recorded connection, nothing to update"
    );
    assert_eq!((won, lost), (Ok(true), Ok(false)));
    assert_eq!(
        t.tickets.for_connection(PORTAL, conn).await,
        Ok(Some(first.clone()))
    );
    // The loser's retry reads (2000, 0) and may then record.
    second.status_order = 3_000;
    assert_eq!(
        t.tickets
            .put_unless_changed(PORTAL, &second, (2_000, 0))
            .await,
        Ok(true)
    );
    assert_eq!(
        t.tickets.for_connection(PORTAL, conn).await,
        Ok(Some(second))
    );
    assert_eq!(t.tickets.owns(PORTAL, ObjectId(601)).await, Ok(true));
}

#[tokio::test]
async fn a_recreated_ticket_replaces_the_connection_and_the_old_one_stays_deetos() {
    let t = Stores::start().await;
    t.tickets
        .put(PORTAL, &ticket(501, "conn-1"))
        .await
        .expect("put");
    let mut recreated = ticket(502, "conn-1");
    recreated.contacts = vec![];
    recreated.status = "completed".into();

    t.tickets.put(PORTAL, &recreated).await.expect("replaced");

    assert_eq!(
        t.tickets.for_connection(PORTAL, "conn-1").await,
        Ok(Some(recreated.clone()))
    );
    assert_eq!(t.tickets.owns(PORTAL, ObjectId(501)).await, Ok(true));
    assert_eq!(t.tickets.owns(PORTAL, ObjectId(502)).await, Ok(true));
    // A replaced ticket still leads to its connection, as it is now.
    for ticket in [501, 502] {
        assert_eq!(
            t.tickets.connection_of(PORTAL, ObjectId(ticket)).await,
            Ok(Some(recreated.clone()))
        );
    }
    assert_eq!(
        t.tickets.connection_of(PORTAL, ObjectId(503)).await,
        Ok(None)
    );
}

#[tokio::test]
async fn a_connection_item_without_its_fields_is_reported_corrupt() {
    let t = Stores::start().await;
    t.dynamo
        .put_item()
        .table_name(&t.table)
        .item("pk", AttributeValue::S(format!("PORTAL#{PORTAL}")))
        .item("sk", AttributeValue::S("TICKET#CONN#conn-9".into()))
        .item("ticket_id", AttributeValue::S("not a number".into()))
        .send()
        .await
        .expect("written");

    let read = t.tickets.for_connection(PORTAL, "conn-9").await;

    assert!(matches!(read, Err(StoreError::Corrupt(_))), "{read:?}");
}

#[tokio::test]
async fn a_creation_claim_is_held_for_its_lease_then_abandoned_and_each_replacement_is_fresh() {
    let t = Stores::start().await;
    let claim = |replacing: Option<u64>, now_ms: i64| {
        t.tickets
            .claim_creation(PORTAL, "conn-1", replacing.map(ObjectId), now_ms, 60_000)
    };

    assert_eq!(claim(None, 1_000_000).await, Ok(Claim::Won));
    assert_eq!(claim(None, 1_030_000).await, Ok(Claim::Held));
    assert_eq!(claim(None, 1_060_001).await, Ok(Claim::Abandoned));
    assert_eq!(claim(None, 1_070_000).await, Ok(Claim::Held), "re-claimed");
    assert_eq!(claim(Some(501), 1_070_000).await, Ok(Claim::Won));
    assert_eq!(
        t.tickets
            .claim_creation(OTHER_PORTAL, "conn-1", None, 1_070_000, 60_000)
            .await,
        Ok(Claim::Won)
    );
}
