use super::*;
use crate::sync::fake_hubspot::{FakeHubSpot, object_ids};

fn tracked(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn values_are_stamped_with_updated_at_and_missing_properties_are_none() {
    let api = FakeHubSpot::default();
    api.put(
        "contacts",
        11,
        &[("email", "ada@acme.test"), ("hs_object_id", "11")],
        5_000,
    );

    let records = read_records(
        &api,
        PortalId(7),
        CrmObject::Contact,
        &object_ids(&[11, 12]),
        &tracked(&["email", "jobtitle"]),
        1,
    )
    .await
    .expect("read");

    assert_eq!(records.len(), 1, "unknown ids are absent");
    let changes = &records[0].changes;
    assert_eq!(changes.len(), 2, "only what was asked for");
    assert_eq!(changes[0].value.as_deref(), Some("ada@acme.test"));
    assert_eq!(changes[0].changed_at_ms, 5_000);
    assert_eq!(changes[1].value, None);
}

#[tokio::test]
async fn reads_are_chunked_at_one_hundred_ids() {
    let api = FakeHubSpot::default();
    let ids: Vec<u64> = (1..=250).collect();

    read_records(
        &api,
        PortalId(7),
        CrmObject::Deal,
        &object_ids(&ids),
        &tracked(&["dealname"]),
        1,
    )
    .await
    .expect("read");

    assert_eq!(api.calls().len(), 3);
}

#[tokio::test]
async fn deal_contacts_come_back_per_deal() {
    let api = FakeHubSpot::default();
    api.associate_deal(40, &[11, 12]);

    let found = read_deal_contacts(&api, PortalId(7), &object_ids(&[40, 41]))
        .await
        .expect("read");

    assert_eq!(found.get(&ObjectId(40)), Some(&object_ids(&[11, 12])));
    assert!(!found.contains_key(&ObjectId(41)));
}

#[tokio::test]
async fn an_unreadable_answer_is_a_protocol_error() {
    struct Garbage;
    #[async_trait::async_trait]
    impl HubSpotApi for Garbage {
        async fn send(
            &self,
            _: PortalId,
            _: ApiRequest,
        ) -> Result<crate::ports::ApiResponse, HubSpotError> {
            Ok(crate::ports::ApiResponse {
                status: 200,
                body: json!({"results": "nope"}),
            })
        }
    }

    let err = read_records(
        &Garbage,
        PortalId(7),
        CrmObject::Contact,
        &object_ids(&[1]),
        &tracked(&["email"]),
        1,
    )
    .await
    .expect_err("garbage");

    assert_eq!(err.kind, HubSpotErrorKind::Protocol);
}
