//! Walking a portal's items of one kind a page at a time: a Query on the partition with a
//! sort-key prefix, resumed after the last sort key of the previous page.

use aws_sdk_dynamodb::Client;

use super::item::{Item, get_s, s, unavailable};
use crate::ports::{Page, StoreError};

/// Where a page is read: the partition, the sort-key prefix of its items, and the cursor.
#[derive(Debug, Clone, Copy)]
pub struct PageQuery<'a> {
    pub pk: &'a str,
    pub prefix: &'a str,
    pub after: Option<&'a str>,
    pub limit: usize,
}

/// One page of the items of partition `pk` whose sort key starts with `prefix`, after the item
/// whose sort key is `prefix + after`, each decoded from its item and the rest of its sort key.
/// The cursor handed back is the last sort key without the prefix, so it means the same to
/// every caller and survives a change of page size.
pub async fn page_by_prefix<T>(
    client: &Client,
    table: &str,
    query: PageQuery<'_>,
    decode: impl Fn(&str, &Item) -> Result<T, StoreError>,
) -> Result<Page<T>, StoreError> {
    let PageQuery {
        pk,
        prefix,
        after,
        limit,
    } = query;
    let limit = i32::try_from(limit.max(1)).unwrap_or(i32::MAX);
    let mut request = client
        .query()
        .table_name(table)
        .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
        .expression_attribute_values(":pk", s(pk))
        .expression_attribute_values(":prefix", s(prefix))
        // A page is acted on at once (drift repaired): it must see the last writes.
        .consistent_read(true)
        .limit(limit);
    if let Some(after) = after {
        request = request
            .exclusive_start_key("pk", s(pk))
            .exclusive_start_key("sk", s(format!("{prefix}{after}")));
    }
    let out = request.send().await.map_err(|e| unavailable("Query", e))?;
    let next = out
        .last_evaluated_key
        .as_ref()
        .and_then(|key| get_s(key, "sk"))
        .and_then(|sk| sk.strip_prefix(prefix).map(str::to_owned));
    let items = out
        .items
        .unwrap_or_default()
        .iter()
        .map(|item| {
            let sk = get_s(item, "sk").unwrap_or_default();
            decode(sk.strip_prefix(prefix).unwrap_or(&sk), item)
        })
        .collect::<Result<_, _>>()?;
    Ok(Page { items, next })
}

/// Items asked for per Query when walking: DynamoDB stops a page at 1 MB anyway.
const MAX_PAGE: usize = 1_000;

/// Every item of partition `pk` whose sort key starts with `prefix`, page after page, until
/// the end or `max` items.
pub async fn all_by_prefix<T>(
    client: &Client,
    table: &str,
    (pk, prefix): (&str, &str),
    max: usize,
    decode: impl Fn(&str, &Item) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut found = Vec::new();
    let mut after: Option<String> = None;
    while found.len() < max {
        let query = PageQuery {
            pk,
            prefix,
            after: after.as_deref(),
            // As many as still wanted, in as few round trips as DynamoDB's 1 MB pages allow.
            limit: (max - found.len()).min(MAX_PAGE),
        };
        let page = page_by_prefix(client, table, query, &decode).await?;
        found.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(found)
}
