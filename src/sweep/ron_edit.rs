//! Setting one field of a RON text by its path, keeping everything else of the text as it is
//! (comments, layout, the other values).
//!
//! A path names fields with dots and list or tuple items with brackets:
//! `stages[2].thermostat.temperature`, `structure.geometry.gap`, `seed`. Enum variants and
//! one-item wrappers are looked through: in `structure: Build(Pair((first: ...)))` the path
//! `structure.first` reaches `first`, and setting `structure.first.size` in `size: Atoms(2000)` to
//! `4000` gives `size: Atoms(4000)`. A field a struct leaves out (it takes its default) is added
//! at the struct's end.
//!
//! The text is read as a RON syntax tree (names, tuples, structs, lists, maps, scalars) without
//! knowing the types; whether the edited text still makes a valid input is for the caller to
//! check by parsing it as one.

use std::ops::Range;

/// One RON value in a text.
#[derive(Clone, Debug)]
enum Node {
    /// A number, string, character, boolean or bare identifier (unit variant, `None`).
    Scalar { span: Range<usize> },
    /// `Name(...)`: an enum variant or named struct with its parenthesised payload.
    Named {
        span: Range<usize>,
        payload: Box<Node>,
    },
    /// `(a, b)`.
    Tuple {
        span: Range<usize>,
        items: Vec<Node>,
    },
    /// `(name: value, ...)`.
    Struct {
        span: Range<usize>,
        fields: Vec<(String, Node)>,
        /// Where the comma after the last field ends, if it has one.
        trailing_comma: Option<usize>,
    },
    /// `[a, b]`.
    List {
        span: Range<usize>,
        items: Vec<Node>,
    },
    /// `{key: value, ...}`.
    Map { span: Range<usize> },
}

impl Node {
    fn span(&self) -> Range<usize> {
        match self {
            Node::Scalar { span }
            | Node::Named { span, .. }
            | Node::Tuple { span, .. }
            | Node::Struct { span, .. }
            | Node::List { span, .. }
            | Node::Map { span } => span.clone(),
        }
    }

    /// The value inside a variant or one-item tuple wrapper, or the node itself.
    fn unwrapped(&self) -> &Node {
        match self {
            Node::Named { payload, .. } => payload.unwrapped(),
            Node::Tuple { items, .. } if items.len() == 1 => items[0].unwrapped(),
            other => other,
        }
    }
}

/// A RON syntax error at a byte offset.
#[derive(Debug)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn error<T>(&self, message: impl Into<String>) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            offset: self.pos,
            message: message.into(),
        })
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips whitespace and comments.
    fn skip(&mut self) -> Result<(), SyntaxError> {
        loop {
            match (self.peek(), self.bytes.get(self.pos + 1)) {
                (Some(c), _) if c.is_ascii_whitespace() => self.pos += 1,
                (Some(b'/'), Some(b'/')) => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    let end = self.text[self.pos + 2..]
                        .find("*/")
                        .map(|k| self.pos + 2 + k + 2);
                    match end {
                        Some(e) => self.pos = e,
                        None => return self.error("unterminated comment"),
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), SyntaxError> {
        self.skip()?;
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            self.error(format!("expected '{}'", c as char))
        }
    }

    fn identifier(&mut self) -> Option<Range<usize>> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        (self.pos > start).then_some(start..self.pos)
    }

    /// Reads one value of any kind, dispatching on its first byte.
    fn value(&mut self) -> Result<Node, SyntaxError> {
        self.skip()?;
        let start = self.pos;
        match self.peek() {
            None => self.error("expected a value"),
            Some(b'(') => self.parenthesised(start),
            Some(b'[') => {
                self.pos += 1;
                let items = self.items(b']')?;
                Ok(Node::List {
                    span: start..self.pos,
                    items,
                })
            }
            Some(b'{') => self.map(start),
            Some(b'"') => self.string(start),
            Some(b'r') if matches!(self.bytes.get(self.pos + 1), Some(b'"' | b'#')) => {
                self.raw_string(start)
            }
            Some(b'\'') => self.character(start),
            Some(c) if c.is_ascii_digit() || c == b'-' || c == b'+' || c == b'.' => {
                Ok(self.number(start))
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => self.named_or_word(start),
            Some(c) => self.error(format!("unexpected '{}'", c as char)),
        }
    }

    /// A map `{ key: value, ... }` starting at `start` (its entries are read but not kept).
    fn map(&mut self, start: usize) -> Result<Node, SyntaxError> {
        self.pos += 1;
        loop {
            self.skip()?;
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(Node::Map {
                    span: start..self.pos,
                });
            }
            self.value()?;
            self.expect(b':')?;
            self.value()?;
            self.skip()?;
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
        }
    }

    /// A character literal `'c'` starting at `start`.
    fn character(&mut self, start: usize) -> Result<Node, SyntaxError> {
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'\'' => {
                    return Ok(Node::Scalar {
                        span: start..self.pos,
                    });
                }
                _ => {}
            }
        }
        self.error("unterminated character")
    }

    /// A number starting at `start` (its characters, not checked: RON reads it later).
    fn number(&mut self, start: usize) -> Node {
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+' | b'_'))
        {
            self.pos += 1;
        }
        Node::Scalar {
            span: start..self.pos,
        }
    }

    /// An identifier starting at `start`: a named value `Name(...)` when a parenthesis follows,
    /// else a bare word (`true`, a unit variant, ...).
    fn named_or_word(&mut self, start: usize) -> Result<Node, SyntaxError> {
        self.identifier();
        let after = self.pos;
        self.skip()?;
        if self.peek() == Some(b'(') {
            let open = self.pos;
            let payload = self.parenthesised(open)?;
            Ok(Node::Named {
                span: start..self.pos,
                payload: Box::new(payload),
            })
        } else {
            self.pos = after;
            Ok(Node::Scalar { span: start..after })
        }
    }

    fn string(&mut self, start: usize) -> Result<Node, SyntaxError> {
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'"' => {
                    return Ok(Node::Scalar {
                        span: start..self.pos,
                    });
                }
                _ => {}
            }
        }
        self.error("unterminated string")
    }

    fn raw_string(&mut self, start: usize) -> Result<Node, SyntaxError> {
        self.pos += 1;
        let hashes = self.bytes[self.pos..]
            .iter()
            .take_while(|&&c| c == b'#')
            .count();
        self.pos += hashes;
        if self.peek() != Some(b'"') {
            return self.error("expected '\"' of a raw string");
        }
        self.pos += 1;
        let close = format!("\"{}", "#".repeat(hashes));
        match self.text[self.pos..].find(&close) {
            Some(k) => {
                self.pos += k + close.len();
                Ok(Node::Scalar {
                    span: start..self.pos,
                })
            }
            None => self.error("unterminated raw string"),
        }
    }

    /// `( ... )`: a struct when its first item is `name:`, a tuple otherwise.
    fn parenthesised(&mut self, start: usize) -> Result<Node, SyntaxError> {
        self.expect(b'(')?;
        self.skip()?;
        let save = self.pos;
        let is_struct = self.identifier().is_some() && {
            self.skip()?;
            self.peek() == Some(b':') && self.bytes.get(self.pos + 1) != Some(&b':')
        };
        self.pos = save;
        if !is_struct {
            let items = self.items(b')')?;
            return Ok(Node::Tuple {
                span: start..self.pos,
                items,
            });
        }
        let mut fields = Vec::new();
        let mut trailing_comma = None;
        loop {
            self.skip()?;
            if self.peek() == Some(b')') {
                self.pos += 1;
                return Ok(Node::Struct {
                    span: start..self.pos,
                    fields,
                    trailing_comma,
                });
            }
            let Some(name) = self.identifier() else {
                return self.error("expected a field name");
            };
            let name = self.text[name].to_string();
            self.expect(b':')?;
            let value = self.value()?;
            fields.push((name, value));
            self.skip()?;
            trailing_comma = None;
            if self.peek() == Some(b',') {
                self.pos += 1;
                trailing_comma = Some(self.pos);
            } else if self.peek() != Some(b')') {
                return self.error("expected ',' or ')'");
            }
        }
    }

    /// Comma-separated values up to `close` (consumed).
    fn items(&mut self, close: u8) -> Result<Vec<Node>, SyntaxError> {
        let mut items = Vec::new();
        loop {
            self.skip()?;
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(items);
            }
            items.push(self.value()?);
            self.skip()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {}
                _ => return self.error(format!("expected ',' or '{}'", close as char)),
            }
        }
    }
}

fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    // Inner attributes (`#![enable(implicit_some)]`) come first.
    loop {
        p.skip()?;
        if !text[p.pos..].starts_with("#![") {
            break;
        }
        match text[p.pos..].find(']') {
            Some(k) => p.pos += k + 1,
            None => return p.error("unterminated attribute"),
        }
    }
    let root = p.value()?;
    p.skip()?;
    if p.pos != text.len() {
        return p.error("text after the value");
    }
    Ok(root)
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    Index(usize),
}

/// Splits `a.b[2].c` into steps; None for a malformed path.
fn steps(path: &str) -> Option<Vec<Step>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(k) => (&part[..k], &part[k..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            out.push(Step::Field(name.to_string()));
        } else if rest.is_empty() {
            return None;
        }
        while !rest.is_empty() {
            let close = rest.find(']')?;
            out.push(Step::Index(rest.get(1..close)?.trim().parse().ok()?));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return None;
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The text of the value at `path`, if the text has one there (a variant with one plain value,
/// `Atoms(2000)`, gives its value).
pub fn get(text: &str, path: &str) -> Option<String> {
    let root = parse(text).ok()?;
    let node = node_at(&root, path)?;
    Some(text[node.unwrapped().span()].to_string())
}

/// The text of the value at `path` as written, variant names and wrappers included
/// (`Atoms(2000)`, `(2, 1, 1)`), if the text has one there.
pub fn get_written(text: &str, path: &str) -> Option<String> {
    let root = parse(text).ok()?;
    let node = node_at(&root, path)?;
    Some(text[node.span()].to_string())
}

/// The node at `path` below `root`, looking through variants and one-item wrappers on the way.
fn node_at<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    let mut node = root;
    for step in steps(path)? {
        node = match (step, node.unwrapped()) {
            (Step::Field(name), Node::Struct { fields, .. }) => {
                &fields.iter().find(|(n, _)| *n == name)?.1
            }
            (Step::Index(i), Node::List { items, .. } | Node::Tuple { items, .. }) => {
                items.get(i)?
            }
            _ => return None,
        };
    }
    Some(node)
}

/// Returns `text` with the value at `path` set to `value` (RON text), or why it cannot be.
pub fn set(text: &str, path: &str, value: &str) -> Result<String, String> {
    let root = parse(text).map_err(|e| {
        let before = &text.as_bytes()[..e.offset.min(text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        format!("line {line}: {}", e.message)
    })?;
    let steps = steps(path).ok_or_else(|| format!("\"{path}\" is not a path (a.b[2].c)"))?;
    let mut node = &root;
    for (k, step) in steps.iter().enumerate() {
        let shown = || path_prefix(&steps[..=k]);
        match (step, node.unwrapped()) {
            (
                Step::Field(name),
                Node::Struct {
                    span,
                    fields,
                    trailing_comma,
                },
            ) => match fields.iter().find(|(n, _)| n == name) {
                Some((_, next)) => node = next,
                None => {
                    // Absent: the field takes its default; add it at the struct's end, with the
                    // structs a path of fields goes through (`second.tilt` in a pair without
                    // `second` adds `second: (tilt: V)`).
                    let value = nested_value(&steps[k + 1..], value)
                        .ok_or_else(|| format!("no field {} (at {})", name, shown()))?;
                    let (at, insert) = match (fields.last(), trailing_comma) {
                        (None, _) => (span.end - 1, format!("{name}: {value}")),
                        (Some(_), Some(comma)) => (*comma, format!(" {name}: {value},")),
                        (Some((_, v)), None) => (v.span().end, format!(", {name}: {value}")),
                    };
                    return Ok(format!("{}{insert}{}", &text[..at], &text[at..]));
                }
            },
            (Step::Index(i), Node::List { items, .. } | Node::Tuple { items, .. }) => {
                match items.get(*i) {
                    Some(next) => node = next,
                    None => {
                        return Err(format!(
                            "{} has {} items, no item {i}",
                            path_prefix(&steps[..k]),
                            items.len()
                        ));
                    }
                }
            }
            (Step::Field(name), _) => {
                return Err(format!(
                    "{} has no fields, so no field {name}",
                    if k == 0 {
                        "the input".to_string()
                    } else {
                        path_prefix(&steps[..k])
                    }
                ));
            }
            (Step::Index(i), _) => {
                return Err(format!(
                    "{} is not a list, so no item {i}",
                    path_prefix(&steps[..k])
                ));
            }
        }
    }
    // A variant with one plain value (`Atoms(2000)`) keeps its name unless the new value has one.
    let target = match node {
        Node::Named { payload, .. } if !starts_with_name(value) => match payload.as_ref() {
            Node::Tuple { items, .. } if items.len() == 1 => &items[0],
            _ => node,
        },
        _ => node,
    };
    let span = target.span();
    Ok(format!(
        "{}{value}{}",
        &text[..span.start],
        &text[span.end..]
    ))
}

/// `value` inside a struct for each of the field `steps` below an absent field, innermost last:
/// `[b, c]` and `1` give `(b: (c: 1))`; None when a step is a list index (no list is made).
fn nested_value(steps: &[Step], value: &str) -> Option<String> {
    steps
        .iter()
        .rev()
        .try_fold(value.to_string(), |inner, step| match step {
            Step::Field(name) => Some(format!("({name}: {inner})")),
            Step::Index(_) => None,
        })
}

/// The names of the fields of the text's outermost struct (looked through a variant or
/// one-item wrapper), in order; empty when the text is not RON or not a struct.
pub fn field_names(text: &str) -> Vec<String> {
    match parse(text).as_ref().map(Node::unwrapped) {
        Ok(Node::Struct { fields, .. }) => fields.iter().map(|(n, _)| n.clone()).collect(),
        _ => Vec::new(),
    }
}

/// Whether RON value text begins with a variant or struct name.
fn starts_with_name(value: &str) -> bool {
    let v = value.trim_start();
    v.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && !matches!(v, "true" | "false" | "None")
        && !v.starts_with("inf")
        && !v.starts_with("NaN")
}

/// The path of `steps` as written.
fn path_prefix(steps: &[Step]) -> String {
    let mut out = String::new();
    for s in steps {
        match s {
            Step::Field(n) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(n);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const INPUT: &str = r#"// a comment (with: colons)
(
    structure: Build(Pair(
        first: (size: Atoms(2000), species: [(species: "Pt", fraction: 0.85)]),
        geometry: (facets: ((1, 0, 0), (1, 0, 0)), gap: 3.5, vacuum: 20.0),
    )),
    potential: Lammps(pair_style: "eam/alloy", pair_coeff: ["* * a.eam Pt Fe"]),
    stages: [
        EquilibrateParticles(name: "eq", steps: 10, thermostat: NoseHoover(temperature: 1473.0)),
        Assemble(name: "assemble"),
        Md(name: "sinter", steps: 20, /* note */ thermostat: NoseHoover(temperature: 1473.0)),
    ],
    output: (thermo_every: 5),
)
"#;

    #[test]
    fn fields_are_set_through_variants_and_the_rest_is_kept() {
        let t = set(INPUT, "stages[2].thermostat.temperature", "1073.0").unwrap();
        assert!(t.contains("Md(name: \"sinter\", steps: 20, /* note */ thermostat: NoseHoover(temperature: 1073.0))"));
        assert!(t.contains("thermostat: NoseHoover(temperature: 1473.0)),\n        Assemble"));
        assert!(t.starts_with("// a comment (with: colons)\n"));
        let t = set(&t, "structure.geometry.gap", "10.0").unwrap();
        assert!(t.contains("gap: 10.0, vacuum"));
        let t = set(&t, "structure.first.size", "4000").unwrap();
        assert!(t.contains("size: Atoms(4000)"));
        let t = set(&t, "structure.first.size", "Radius(20.0)").unwrap();
        assert!(t.contains("size: Radius(20.0)"));
        let t = set(&t, "structure.geometry.facets[1]", "(1, 1, 1)").unwrap();
        assert!(t.contains("facets: ((1, 0, 0), (1, 1, 1))"));
        let t = set(&t, "structure.first.species[0].species", "\"Cu\"").unwrap();
        assert!(t.contains("(species: \"Cu\", fraction: 0.85)"));
    }

    #[test]
    fn attributes_are_kept() {
        let t = set("#![enable(implicit_some)]\n(a: 1, b: (c: 2))", "b.c", "3").unwrap();
        assert_eq!(t, "#![enable(implicit_some)]\n(a: 1, b: (c: 3))");
    }

    #[test]
    fn values_are_read_by_path() {
        assert_eq!(get(INPUT, "structure.geometry.gap").as_deref(), Some("3.5"));
        assert_eq!(get(INPUT, "structure.first.size").as_deref(), Some("2000"));
        assert_eq!(
            get(INPUT, "stages[1].name").as_deref(),
            Some("\"assemble\"")
        );
        assert_eq!(get(INPUT, "seed"), None);
    }

    #[test]
    fn values_are_read_as_written() {
        assert_eq!(
            get_written(INPUT, "structure.first.size").as_deref(),
            Some("Atoms(2000)")
        );
        assert_eq!(
            get_written(INPUT, "structure.geometry.facets[1]").as_deref(),
            Some("(1, 0, 0)")
        );
        assert_eq!(get_written(INPUT, "stages[9]"), None);
    }

    #[test]
    fn absent_fields_are_added() {
        let t = set(INPUT, "seed", "7").unwrap();
        assert!(t.contains("output: (thermo_every: 5), seed: 7,\n)"), "{t}");
        let t = set(INPUT, "output.trajectory_every", "0").unwrap();
        assert!(
            t.contains("output: (thermo_every: 5, trajectory_every: 0)"),
            "{t}"
        );
        assert!(parse(&t).is_ok());
    }

    #[test]
    fn absent_structs_on_a_path_are_added() {
        let t = set(INPUT, "output.checkpoint.every", "5").unwrap();
        assert!(
            t.contains("output: (thermo_every: 5, checkpoint: (every: 5))"),
            "{t}"
        );
        let t = set(
            "(particles: (shape: Sphere(diameter: 20.0)))",
            "particles.second.tilt",
            "5.0",
        )
        .unwrap();
        assert_eq!(
            t,
            "(particles: (shape: Sphere(diameter: 20.0), second: (tilt: 5.0)))"
        );
        let e = set(INPUT, "output.list[0].x", "1").unwrap_err();
        assert!(e.contains("no field list (at output.list)"), "{e}");
    }

    #[test]
    fn field_names_are_those_of_the_outer_struct() {
        assert_eq!(
            field_names(INPUT),
            ["structure", "potential", "stages", "output"]
        );
        assert!(field_names("[1, 2]").is_empty());
        assert!(field_names("(a: ").is_empty());
    }

    #[test]
    fn bad_paths_say_where_they_stop() {
        let e = set(INPUT, "stages[7].steps", "1").unwrap_err();
        assert!(e.contains("stages has 3 items, no item 7"), "{e}");
        let e = set(INPUT, "structure.geometry.gap.x", "1").unwrap_err();
        assert!(e.contains("structure.geometry.gap has no fields"), "{e}");
        let e = set(INPUT, "stages.steps", "1").unwrap_err();
        assert!(e.contains("no field steps"), "{e}");
        assert!(set(INPUT, "a..b", "1").unwrap_err().contains("not a path"));
        assert!(set(INPUT, "a[x]", "1").unwrap_err().contains("not a path"));
        assert!(set("(a: [1, 2)", "a", "1").unwrap_err().contains("line 1"));
    }
}
