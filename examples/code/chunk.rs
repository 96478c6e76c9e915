// SPDX-License-Identifier: (MIT OR Apache-2.0)
// Copyright (c) 2025 The clearance authors

//! Split a string into chunks of at most `max` characters, breaking on whitespace.

pub fn chunk(text: &str, max: usize) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > max {
            chunks.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::chunk;

    #[test]
    fn splits_on_whitespace() {
        assert_eq!(chunk("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
    }
}
