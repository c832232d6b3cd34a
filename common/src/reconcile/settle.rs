//! What a page does with the failures of the records it repaired: a transient one (or a
//! disconnected portal) fails the whole page so SQS redelivers it and it is redone (every
//! repair is idempotent); a permanent one is logged with its reason and counted as drift found
//! but not repaired, and the run goes on.

use std::collections::BTreeMap;

use crate::domain::ids::ObjectId;
use crate::sync::record::CrmObject;
use crate::sync::worker::Failure;

pub fn retry_if_any_transient(
    failed: &BTreeMap<(CrmObject, ObjectId), Failure>,
) -> Result<(), Failure> {
    let worst = failed.values().max_by_key(|f| f.rank());
    match worst {
        Some(failure @ (Failure::Transient(_) | Failure::Parked)) => Err(failure.clone()),
        _ => {
            for ((object, id), failure) in failed {
                tracing::error!(%object, %id, ?failure, "drift could not be repaired");
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(list: &[Failure]) -> BTreeMap<(CrmObject, ObjectId), Failure> {
        list.iter()
            .enumerate()
            .map(|(i, f)| ((CrmObject::Contact, ObjectId(i as u64)), f.clone()))
            .collect()
    }

    #[test]
    fn permanent_failures_alone_let_the_run_go_on() {
        let only_permanent = failed(&[Failure::Permanent("too big".into())]);
        assert_eq!(retry_if_any_transient(&only_permanent), Ok(()));
        assert_eq!(retry_if_any_transient(&BTreeMap::new()), Ok(()));
    }

    #[test]
    fn one_transient_failure_retries_the_page_and_a_parked_portal_parks_it() {
        let mixed = failed(&[
            Failure::Permanent("x".into()),
            Failure::Transient("429".into()),
        ]);
        assert_eq!(
            retry_if_any_transient(&mixed),
            Err(Failure::Transient("429".into()))
        );
        let parked = failed(&[Failure::Transient("429".into()), Failure::Parked]);
        assert_eq!(retry_if_any_transient(&parked), Err(Failure::Parked));
    }
}
