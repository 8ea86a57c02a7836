//! The one sink for what a run wants to tell the user without failing: a step says
//! [`Diagnostics::warn`], and the caller that owns the run collects the messages (into
//! `Project::warnings`, `Plan::notes`, or an error's hint) once, at the end.
//!
//! Steps take `&mut Diagnostics` instead of a bare `&mut Vec<String>`, so a message can only be added,
//! never reordered or dropped by a step, and the sink can grow (a severity, a file) in one place.

/// Messages gathered during one stage, in the order they were said.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    said: Vec<String>,
}

impl Diagnostics {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one message.
    pub fn warn(&mut self, message: impl Into<String>) {
        self.said.push(message.into());
    }

    /// The messages so far, in order.
    pub fn messages(&self) -> &[String] {
        &self.said
    }

    /// Whether nothing was said.
    pub fn is_empty(&self) -> bool {
        self.said.is_empty()
    }

    /// Moves the messages out, leaving the sink empty.
    pub fn take(&mut self) -> Vec<String> {
        std::mem::take(&mut self.said)
    }

    /// The messages, consuming the sink.
    pub fn into_messages(self) -> Vec<String> {
        self.said
    }
}

/// Reading is free: the messages are a slice (`iter`, `len`, `join`); only [`Diagnostics::warn`] adds.
impl std::ops::Deref for Diagnostics {
    type Target = [String];

    fn deref(&self) -> &[String] {
        &self.said
    }
}

impl Extend<String> for Diagnostics {
    fn extend<I: IntoIterator<Item = String>>(&mut self, iter: I) {
        self.said.extend(iter);
    }
}

impl IntoIterator for Diagnostics {
    type Item = String;
    type IntoIter = std::vec::IntoIter<String>;

    fn into_iter(self) -> Self::IntoIter {
        self.said.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_messages_in_the_order_they_were_said() {
        let mut d = Diagnostics::new();
        d.warn("first");
        d.extend(["second".to_string()]);
        let mut later = Diagnostics::new();
        later.warn(String::from("third"));
        d.extend(later);
        assert_eq!(d.messages(), ["first", "second", "third"]);
        assert_eq!(d.take(), ["first", "second", "third"]);
        assert!(d.is_empty());
    }
}
