//! The webhook subscriptions the app declares (hubspot-app/src/app/webhooks/), as the
//! simulator's settings: the soak's portal sends what a real install would, no more. Without
//! them the simulator sends a change of every property, which no installed app receives.

use hubspot_sim::ObjectType;
use hubspot_sim::webhooks::Subscription;
use integration_tests::repo_root;
use serde_json::Value;

const APP_WEBHOOKS: &str = "hubspot-app/src/app/webhooks/deeto-webhooks-hsmeta.json";

pub fn app_subscriptions() -> Vec<Subscription> {
    let path = repo_root().join(APP_WEBHOOKS);
    let text = std::fs::read_to_string(&path).expect("the app's webhooks file");
    let file: Value = serde_json::from_str(&text).expect("the app's webhooks file is JSON");
    let declared = file["config"]["subscriptions"]["crmObjects"]
        .as_array()
        .expect("crmObjects subscriptions");
    let subscriptions: Vec<Subscription> = (declared.iter())
        .filter(|s| s["active"].as_bool() != Some(false))
        .enumerate()
        .map(|(n, s)| {
            let object = s["objectType"].as_str().unwrap_or_default();
            let object = (ObjectType::ALL.iter())
                .find(|o| o.singular() == object)
                .unwrap_or_else(|| panic!("unknown objectType {object:?} in {APP_WEBHOOKS}"));
            Subscription {
                id: 1000 + n as u64,
                subscription_type: s["subscriptionType"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                property_name: s["propertyName"].as_str().map(str::to_owned),
                object_type_id: Some(object.type_id().to_owned()),
            }
        })
        .collect();
    assert!(
        !subscriptions.is_empty(),
        "{APP_WEBHOOKS} declares no subscriptions"
    );
    subscriptions
}
