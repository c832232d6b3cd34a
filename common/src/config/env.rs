//! A reader over environment variables that records problems instead of stopping at the first.

use std::collections::HashMap;
use std::fmt;

use url::Url;

/// Every missing or invalid variable, by name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}", self.problems.join("; "))
    }
}

/// Variables to read from, and the problems found so far.
#[derive(Debug, Default)]
pub struct Env {
    vars: HashMap<String, String>,
    problems: Vec<String>,
}

impl Env {
    /// The process environment.
    pub fn from_process() -> Self {
        Self {
            vars: std::env::vars().collect(),
            problems: Vec::new(),
        }
    }

    /// A fixed set of variables (tests, tools).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            problems: Vec::new(),
        }
    }

    /// A variable's trimmed value; empty counts as unset.
    pub fn optional(&self, name: &str) -> Option<String> {
        self.vars
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// A variable that must be set; records a problem and returns an empty string if not.
    pub fn required(&mut self, name: &str, meaning: &str) -> String {
        self.optional(name).unwrap_or_else(|| {
            self.problems.push(format!("{name} is not set ({meaning})"));
            String::new()
        })
    }

    /// An optional http(s) URL.
    pub fn optional_url(&mut self, name: &str) -> Option<Url> {
        let raw = self.optional(name)?;
        match Url::parse(&raw) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Some(url),
            _ => {
                self.problems
                    .push(format!("{name} is not an http(s) URL: {raw:?}"));
                None
            }
        }
    }

    /// An http(s) URL with a default.
    pub fn url_or(&mut self, name: &str, default: &str) -> Url {
        self.optional_url(name).unwrap_or_else(|| {
            Url::parse(default).unwrap_or_else(|_| unreachable!("defaults are valid URLs"))
        })
    }

    /// Records a problem found by a caller's own check.
    pub fn problem(&mut self, message: impl Into<String>) {
        self.problems.push(message.into());
    }

    /// Returns `value` if no problem was recorded, or every problem at once.
    pub fn finish<T>(self, value: T) -> Result<T, ConfigError> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(ConfigError {
                problems: self.problems,
            })
        }
    }
}
