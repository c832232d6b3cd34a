//! One page of a store's listing, and where the next one starts.

/// Items of one page; `next` is an opaque cursor for the following page, `None` at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}
