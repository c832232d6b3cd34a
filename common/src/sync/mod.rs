//! The sync worker's domain: relevance, mapped fields, order-safe updates, campaign triggers. (in progress)
