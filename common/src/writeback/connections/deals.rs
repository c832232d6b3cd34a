//! Which deal a connection is about: the one named, the one its ticket was made for, or the
//! prospect's newest open deal.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::commands::ConnectionCreated;
use crate::domain::ids::ObjectId;
use crate::sync::reads::read_associations;
use crate::sync::relevance::DealOutcome;
use crate::sync::worker::Failure;
use crate::writeback::Writer;
use crate::writeback::batch::read;

impl Writer<'_> {
    /// The deal of each command (by command id): the one named, or the prospect's open deal
    /// (the newest, when several are open). Commands whose prospect has none are absent.
    pub(super) async fn resolve_deals(
        &self,
        commands: &[(String, ConnectionCreated)],
    ) -> Result<BTreeMap<String, ObjectId>, Failure> {
        let mut deals: BTreeMap<String, ObjectId> = commands
            .iter()
            .filter_map(|(_, c)| c.deal_id.map(|d| (c.id.0.clone(), d)))
            .collect();
        // A replay keeps the deal its ticket was made for, whatever is open now.
        for (_, command) in commands {
            if let Some(stored) = self
                .tickets
                .for_connection(self.portal, &command.deeto_id)
                .await?
            {
                deals.insert(command.id.0.clone(), stored.deal_id);
            }
        }
        let prospects: Vec<ObjectId> = commands
            .iter()
            .filter(|(_, c)| !deals.contains_key(&c.id.0))
            .map(|(_, c)| c.prospect_contact_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if prospects.is_empty() {
            return Ok(deals);
        }
        let associated =
            read_associations(self.api, self.portal, "contacts", "deals", &prospects).await?;
        let candidates: BTreeSet<String> = associated
            .values()
            .flatten()
            .map(|a| a.id.to_string())
            .collect();
        let stages = read(
            self.api,
            self.portal,
            "deals",
            &candidates,
            None,
            &["dealstage", "pipeline"],
        )
        .await?;
        let open = |deal: &ObjectId| {
            stages.get(&deal.to_string()).is_some_and(|(_, props)| {
                let text = |name: &str| props.get(name).and_then(Value::as_str);
                self.config
                    .closed_stages
                    .outcome(text("pipeline"), text("dealstage"))
                    == DealOutcome::Open
            })
        };
        for (_, command) in commands.iter().filter(|(_, c)| c.deal_id.is_none()) {
            if deals.contains_key(&command.id.0) {
                continue;
            }
            let newest_open = associated
                .get(&command.prospect_contact_id)
                .into_iter()
                .flatten()
                .map(|a| a.id)
                .filter(open)
                .max();
            if let Some(deal) = newest_open {
                deals.insert(command.id.0.clone(), deal);
            }
        }
        Ok(deals)
    }
}
