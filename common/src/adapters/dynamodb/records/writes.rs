//! The conditional writes every record update is made of: creating the record, and writing
//! one field or link only if it is strictly newer than the stored one.

use std::collections::{BTreeSet, HashMap};

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use super::DynamoRecordStore;
use super::codec::{
    DEETO_ID, FIELDS, LAST_SYNC, LINKS, ROLES, field_value, link_key, link_value, old_value,
    role_index_sk, role_name,
};
use crate::adapters::dynamodb::item::{is_condition_failure, n, s, unavailable};
use crate::adapters::dynamodb::portal_pk;
use crate::ports::StoreError;
use crate::sync::ports::{AppliedChange, FieldChange};
use crate::sync::record::{FieldValue, Link, RecordKey, Role};

/// What the creating update of a record sets besides the empty `fields` and `links` maps.
#[derive(Debug, Default)]
pub struct Init<'a> {
    pub last_sync_ms: Option<i64>,
    pub roles: BTreeSet<Role>,
    pub deeto_id: Option<&'a str>,
    /// Merges keep the survivor's own Deeto id; the platform's assignment replaces it.
    pub keep_deeto_id: bool,
}

impl DynamoRecordStore {
    /// Creates the record if missing. Nested updates (`fields.#p`) fail unless the parent map
    /// exists, and one expression cannot both create the map and set a path inside it: hence
    /// this separate update before any field or link write.
    pub(super) async fn init(&self, key: RecordKey, init: Init<'_>) -> Result<(), StoreError> {
        let mut set = vec![
            "#fields = if_not_exists(#fields, :empty)",
            "#links = if_not_exists(#links, :empty)",
        ];
        let mut request = self
            .update(key)
            .expression_attribute_names("#fields", FIELDS)
            .expression_attribute_names("#links", LINKS)
            .expression_attribute_values(":empty", AttributeValue::M(HashMap::new()));
        if let Some(at) = init.last_sync_ms {
            set.push("#sync = :sync");
            request = request
                .expression_attribute_names("#sync", LAST_SYNC)
                .expression_attribute_values(":sync", n(at));
        }
        if let Some(id) = init.deeto_id {
            set.push(match init.keep_deeto_id {
                true => "#deeto = if_not_exists(#deeto, :deeto)",
                false => "#deeto = :deeto",
            });
            request = request
                .expression_attribute_names("#deeto", DEETO_ID)
                .expression_attribute_values(":deeto", s(id));
        }
        let mut expression = format!("SET {}", set.join(", "));
        // Prospect is derived from deals on every read; storing it would make it stick.
        let roles: Vec<String> = (init.roles.iter())
            .filter(|r| **r != Role::Prospect)
            .map(|r| role_name(*r).to_owned())
            .collect();
        if !roles.is_empty() {
            // A string set: `ADD` is idempotent, so re-running an assignment or merge is safe.
            expression.push_str(" ADD #roles :roles");
            request = request
                .expression_attribute_names("#roles", ROLES)
                .expression_attribute_values(":roles", AttributeValue::Ss(roles.clone()));
        }
        request
            .update_expression(expression)
            .send()
            .await
            .map_err(|e| unavailable("UpdateItem", e))?;
        // After the record: an index entry never names a record without the role. Entries are
        // hints (a record merged away keeps its entry); readers check the record itself.
        for role in &roles {
            self.client
                .put_item()
                .table_name(&self.table)
                .item("pk", s(portal_pk(key.portal)))
                .item("sk", s(role_index_sk(role, key.object, key.object_id)))
                .send()
                .await
                .map_err(|e| unavailable("PutItem", e))?;
        }
        Ok(())
    }

    /// Writes one property if strictly newer than the stored one. `Some(old value)` when it
    /// took effect; `None` when the stored value is as new or newer.
    pub(super) async fn write_field(
        &self,
        key: RecordKey,
        property: &str,
        value: &FieldValue,
    ) -> Result<Option<Option<String>>, StoreError> {
        let result = self
            .update(key)
            .update_expression("SET #fields.#p = :f")
            .condition_expression("attribute_not_exists(#fields.#p) OR #fields.#p.#t < :t")
            .expression_attribute_names("#fields", FIELDS)
            .expression_attribute_names("#p", property)
            .expression_attribute_names("#t", "t")
            .expression_attribute_values(":f", field_value(value))
            .expression_attribute_values(":t", n(value.changed_at_ms))
            // The value this write replaced, atomically: a read first could see an older one.
            .return_values(ReturnValue::UpdatedOld)
            .send()
            .await;
        match result {
            Ok(out) => Ok(Some(old_value(out.attributes.as_ref(), property))),
            Err(err) if is_condition_failure(&err) => Ok(None),
            Err(err) => Err(unavailable("UpdateItem", err)),
        }
    }

    /// Records on `key` its link to `other` if strictly newer than the stored one.
    pub(super) async fn write_link(
        &self,
        key: RecordKey,
        other: RecordKey,
        link: Link,
    ) -> Result<bool, StoreError> {
        let result = self
            .update(key)
            .update_expression("SET #links.#k = :l")
            .condition_expression("attribute_not_exists(#links.#k) OR #links.#k.#t < :t")
            .expression_attribute_names("#links", LINKS)
            .expression_attribute_names("#k", link_key(other.object, other.object_id))
            .expression_attribute_names("#t", "t")
            .expression_attribute_values(":l", link_value(&link))
            .expression_attribute_values(":t", n(link.changed_at_ms))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(unavailable("UpdateItem", err)),
        }
    }

    pub(super) async fn apply_change(
        &self,
        key: RecordKey,
        change: &FieldChange,
    ) -> Result<Option<AppliedChange>, StoreError> {
        let value = FieldValue {
            value: change.value.clone(),
            changed_at_ms: change.changed_at_ms,
        };
        let old = self.write_field(key, &change.property, &value).await?;
        Ok(old.map(|old| AppliedChange {
            property: change.property.clone(),
            old,
            new: change.value.clone(),
            changed_at_ms: change.changed_at_ms,
        }))
    }
}
