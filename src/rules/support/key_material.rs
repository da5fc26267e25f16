//! Key material in the fields that carry a certificate or a public key
//! (`rules/certificates.json`): each value taken apart — PEM armour, base64,
//! the DER header — and parsed with x509-parser. Every IDP3xx rule reads the
//! same [`Material`], so each problem has one owner: a private key is
//! IDP303's alone, a truncated certificate IDP302's alone.

use std::sync::LazyLock;

use memchr::memmem;
use time::OffsetDateTime;
use x509_parser::objects::{oid2sn, oid_registry};
use x509_parser::oid_registry::Oid;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::{PublicKey, RSAPublicKey};
use x509_parser::x509::{SubjectPublicKeyInfo, X509Name};

use super::{Context, Field};
use crate::facts::{facts, CertificateField, KeyEncoding, KeySyntax};
use crate::source::find_byte;

/// A certificate-bearing field's value, taken apart.
pub struct Material<'a> {
    pub field: Field<'a>,
    pub spec: &'static CertificateField,
    pub breaks: Breaks,
    /// The ellipsis (`...` or `…`) the value ends in, as a shortened
    /// documentation example does.
    pub shortened: Option<&'static str>,
    pub shape: Shape,
    /// What shows that the value is a private key: a PEM block labelled as
    /// one, or DER shaped like one.
    pub private_key: Option<String>,
    /// The outcome of decoding the key material, when there is any to decode
    /// (`None` when the shape alone is wrong, or for a private key).
    pub decoded: Option<Result<Key, Failure>>,
}

/// Line breaks and other whitespace inside a value.
#[derive(Debug, Default, Clone, Copy)]
pub struct Breaks {
    /// `\n` as JSON writes it (a line feed in the value).
    pub newlines: usize,
    /// `\r` (a carriage return in the value).
    pub carriage_returns: usize,
    /// A backslash followed by `n` or `r`: a line break escaped twice.
    pub literal_escapes: usize,
    /// Spaces and tabs between the first and last character.
    pub blanks: usize,
}

impl Breaks {
    pub fn line_breaks(&self) -> usize {
        self.newlines + self.carriage_returns + self.literal_escapes
    }
}

/// What a value looks like before anything is decoded.
#[derive(Debug)]
pub enum Shape {
    Empty,
    /// PEM armour, with its blocks in order.
    Pem {
        blocks: Vec<Block>,
        /// Text other than whitespace before, between or after the blocks.
        stray_text: bool,
    },
    /// Base64 without armour.
    Bare,
    /// A JSON object: a JWK pasted where PEM belongs.
    Jwk,
    /// None of these.
    Other,
}

/// One `-----BEGIN …-----` block.
#[derive(Debug)]
pub struct Block {
    pub label: String,
    /// The label of its `-----END …-----` line, if it has one.
    pub end_label: Option<String>,
    /// The base64 body, whitespace and escaped line breaks removed.
    pub body: String,
}

/// What decoded key material is.
#[derive(Debug)]
pub enum Key {
    Certificate(CertificateInfo),
    PublicKey(KeyInfo),
}

impl Key {
    pub fn key(&self) -> &KeyInfo {
        match self {
            Key::Certificate(c) => &c.key,
            Key::PublicKey(k) => k,
        }
    }
}

#[derive(Debug)]
pub struct CertificateInfo {
    pub subject: Subject,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub signature_oid: Oid<'static>,
    pub key: KeyInfo,
}

/// A certificate's subject name, kept as DER and written out only when a
/// message names it: most certificates are never named in one.
#[derive(Debug, Default)]
pub struct Subject(Vec<u8>);

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = X509Name::from_der(&self.0)
            .map(|(_, name)| name.to_string())
            .unwrap_or_default();
        f.write_str(if text.is_empty() { "(empty)" } else { &text })
    }
}

#[derive(Debug)]
pub struct KeyInfo {
    /// `RSA`, `EC`, or the algorithm's registered short name.
    pub algorithm: String,
    /// The named curve of an EC key.
    pub curve: Option<String>,
    /// Modulus length for RSA, field size for EC; 0 when unknown.
    pub bits: usize,
}

impl KeyInfo {
    /// `RSA key (2048 bits)`, `EC key (prime256v1, 256 bits)`.
    pub fn describe(&self) -> String {
        let details: Vec<String> = self
            .curve
            .iter()
            .cloned()
            .chain((self.bits > 0).then(|| format!("{} bits", self.bits)))
            .collect();
        if details.is_empty() {
            format!("{} key", self.algorithm)
        } else {
            format!("{} key ({})", self.algorithm, details.join(", "))
        }
    }
}

/// The step at which decoding failed.
#[derive(Debug)]
pub enum Failure {
    Empty,
    /// A JSON object where base64 belongs.
    Jwk,
    /// A character outside the base64 alphabet (position counted from 1 in
    /// the base64 text, whitespace removed).
    Base64 {
        position: usize,
        found: char,
    },
    /// The bytes do not start with a DER SEQUENCE.
    NotSequence {
        first: u8,
    },
    /// The DER length is indefinite (BER) or longer than 4 bytes.
    BadLength,
    /// Fewer bytes than the DER header announces (`None`: the header itself
    /// is cut off).
    Truncated {
        announced: Option<usize>,
        present: usize,
    },
    /// More bytes than the DER header announces.
    Trailing {
        announced: usize,
        present: usize,
    },
    /// Well-formed DER, but not the structure expected.
    NotExpected {
        expected: KeySyntax,
        /// What the DER is instead, when it is something known.
        actually: Option<KeySyntax>,
        reason: String,
    },
}

impl Failure {
    /// The message after "`field` …", naming the step that failed.
    pub fn describe(&self) -> String {
        match self {
            Failure::Empty => "is empty: there is no key material to decode".to_string(),
            Failure::Jwk => "is a JSON object (a JWK?), not base64 of a DER certificate".to_string(),
            Failure::Base64 { position, found } => {
                let hint = if matches!(found, '-' | '_') {
                    " (base64url? the field takes standard base64)"
                } else {
                    ""
                };
                format!(
                    "is not valid base64: character {position} of the body is `{}`, which is not in the base64 alphabet{hint}",
                    found.escape_default()
                )
            }
            Failure::NotSequence { first } => format!(
                "decodes from base64 but is not DER: it starts with byte 0x{first:02x}, where a certificate or key starts with a SEQUENCE (0x30)"
            ),
            Failure::BadLength => {
                "decodes from base64 but its DER header has no definite length".to_string()
            }
            Failure::Truncated {
                announced: Some(n),
                present,
            } => format!(
                "is truncated: the DER header announces {n} bytes but only {present} are present"
            ),
            Failure::Truncated {
                announced: None,
                present,
            } => format!("is truncated: it decodes to {present} bytes, fewer than a DER header"),
            Failure::Trailing { announced, present } => format!(
                "has {} bytes after its DER structure: the DER header announces {announced} bytes but {present} are present",
                present - announced
            ),
            Failure::NotExpected {
                expected,
                actually: Some(actually),
                ..
            } => format!(
                "decodes to {}, not {}",
                syntax_name(*actually),
                syntax_name(*expected)
            ),
            Failure::NotExpected {
                expected, reason, ..
            } => format!(
                "is DER but does not parse as {}: {reason}",
                syntax_name(*expected)
            ),
        }
    }

    /// A short noun phrase for the label.
    pub fn label(&self) -> String {
        match self {
            Failure::Empty => "empty".to_string(),
            Failure::Jwk => "JSON, not base64".to_string(),
            Failure::Base64 { .. } => "not base64".to_string(),
            Failure::NotSequence { .. } | Failure::BadLength => "not DER".to_string(),
            Failure::Truncated {
                announced: Some(n),
                present,
            } => format!("truncated: {present} of {n} bytes"),
            Failure::Truncated { .. } => "truncated".to_string(),
            Failure::Trailing { .. } => "extra bytes after the DER".to_string(),
            Failure::NotExpected {
                actually: Some(a), ..
            } => syntax_name(*a).to_string(),
            Failure::NotExpected { expected, .. } => format!("not {}", syntax_name(*expected)),
        }
    }
}

/// `1 line break`, `3 line breaks`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// How messages name a DER syntax.
pub fn syntax_name(syntax: KeySyntax) -> &'static str {
    match syntax {
        KeySyntax::Certificate => "an X.509 certificate",
        KeySyntax::SubjectPublicKeyInfo => "a public key (SubjectPublicKeyInfo)",
        KeySyntax::RsaPublicKey => "a PKCS#1 RSA public key",
    }
}

/// The key material of every certificate-bearing field of the payload, each
/// value read and decoded once. Template variables and documentation
/// placeholders are left to IDP010 and IDP009, except a base64 or PEM value
/// that merely ends in `...`: that is a shortened example, and IDP302 says so.
pub fn materials<'a>(cx: &Context<'a>) -> Vec<Material<'a>> {
    cx.facts
        .certificates
        .fields
        .iter()
        .filter(|spec| spec.applies_to(cx.kind.name()))
        .flat_map(|spec| {
            cx.fields(&spec.pointer)
                .into_iter()
                .filter_map(move |field| Material::read(cx, field, spec))
        })
        .collect()
}

impl<'a> Material<'a> {
    fn read(cx: &Context<'a>, field: Field<'a>, spec: &'static CertificateField) -> Option<Self> {
        let text = field.value.as_str()?;
        if cx.is_template(text) {
            return None;
        }
        let trimmed = text.trim();
        let (content, shortened) = ["...", "…"]
            .into_iter()
            .find_map(|e| {
                trimmed
                    .strip_suffix(e)
                    .map(|rest| (rest.trim_end(), Some(e)))
            })
            .unwrap_or((trimmed, None));
        if cx.is_placeholder(text) && !(shortened.is_some() && looks_like_key_material(content)) {
            return None;
        }

        let shape = shape_of(content);
        let secrets = &facts().secrets;
        let mut private_key = match &shape {
            Shape::Pem { blocks, .. } => blocks
                .iter()
                .find(|b| secrets.is_private_key_label(&b.label))
                .map(|b| format!("PEM block `{}`", b.label)),
            _ => None,
        };
        let mut decoded = if private_key.is_some() {
            None
        } else {
            decode_shape(&shape, content, spec)
        };
        if matches!(decoded, Some(Err(_))) && private_key_der(content, &shape) {
            private_key = Some("base64 of a private key's DER".to_string());
            decoded = None;
        }
        Some(Self {
            breaks: breaks_of(trimmed),
            field,
            spec,
            shortened,
            shape,
            private_key,
            decoded,
        })
    }

    /// The field's member name, as messages show it: the create body's name
    /// also for a patch value that replaces the field itself.
    pub fn name(&self) -> &'static str {
        crate::source::last_token(&self.spec.pointer)
    }

    /// True when the value is key material, whatever else is wrong with it:
    /// it decodes, or fails only at the DER length or the X.509 step.
    pub fn is_key_material(&self) -> bool {
        matches!(
            self.decoded,
            Some(Ok(_))
                | Some(Err(Failure::Truncated { .. }
                    | Failure::Trailing { .. }
                    | Failure::NotExpected { .. }))
        )
    }

    /// The label of a PEM block that lacks its `-----END …-----` line.
    pub fn unclosed_block(&self) -> Option<&str> {
        match &self.shape {
            Shape::Pem { blocks, .. } => blocks
                .iter()
                .find(|b| b.end_label.is_none())
                .map(|b| b.label.as_str()),
            _ => None,
        }
    }

    /// What belongs in the field, for messages: `a certificate`, `a
    /// certificate or public key`.
    pub fn expected(&self) -> &'static str {
        if self.spec.accepts == [KeySyntax::Certificate] {
            "a certificate"
        } else {
            "a certificate or public key"
        }
    }

    /// The PEM labels the field accepts, for messages: `` `CERTIFICATE` or `PUBLIC KEY` ``.
    pub fn accepted_labels(&self) -> String {
        let labels: Vec<String> = facts()
            .certificates
            .pem_labels
            .iter()
            .filter(|(_, syntax)| self.spec.accepts.contains(syntax))
            .map(|(label, _)| format!("`{label}`"))
            .collect();
        labels.join(" or ")
    }

    /// The PEM label a fix would write for the decoded material.
    pub fn armour_label(&self) -> &'static str {
        match &self.decoded {
            Some(Ok(Key::PublicKey(_))) => "PUBLIC KEY",
            _ => "CERTIFICATE",
        }
    }
}

fn looks_like_key_material(text: &str) -> bool {
    MARKERS.begin.find(text.as_bytes()).is_some() || (text.len() >= 16 && all_base64(&clean(text)))
}

fn shape_of(content: &str) -> Shape {
    if content.is_empty() {
        return Shape::Empty;
    }
    if MARKERS.begin.find(content.as_bytes()).is_some() {
        let (blocks, stray_text) = scan_blocks(content);
        return Shape::Pem { blocks, stray_text };
    }
    if content.starts_with('{') {
        return Shape::Jwk;
    }
    let body = clean(content);
    if !body.is_empty() && all_base64(&body) {
        Shape::Bare
    } else {
        Shape::Other
    }
}

/// Decodes what the shape holds, as the field expects it. `None` when the
/// shape is wrong for a PEM field (IDP304 reports it) and nothing more can
/// be said.
fn decode_shape(
    shape: &Shape,
    content: &str,
    spec: &CertificateField,
) -> Option<Result<Key, Failure>> {
    let labels = &facts().certificates.pem_labels;
    match shape {
        Shape::Empty => Some(Err(Failure::Empty)),
        Shape::Pem { blocks, .. } => {
            let block = blocks.first()?;
            match (spec.encoding, labels.get(&block.label)) {
                // The field takes a certificate whatever the armour claims.
                (KeyEncoding::Base64Der, _) => Some(decode(&block.body, &spec.accepts)),
                (_, Some(syntax)) => Some(decode(&block.body, std::slice::from_ref(syntax))),
                (_, None) => None,
            }
        }
        Shape::Jwk if spec.encoding == KeyEncoding::Base64Der => Some(Err(Failure::Jwk)),
        Shape::Jwk => None,
        Shape::Other if spec.encoding == KeyEncoding::Pem => None,
        Shape::Bare | Shape::Other => Some(decode(&clean(content), &spec.accepts)),
    }
}

/// The steps: base64 → DER header → the structure expected.
fn decode(body: &str, expect: &[KeySyntax]) -> Result<Key, Failure> {
    if body.is_empty() {
        return Err(Failure::Empty);
    }
    let der = base64_decode(body)?;
    let announced = der_length(&der)?;
    if der.len() < announced {
        return Err(Failure::Truncated {
            announced: Some(announced),
            present: der.len(),
        });
    }
    if der.len() > announced {
        return Err(Failure::Trailing {
            announced,
            present: der.len(),
        });
    }
    parse(&der, expect)
}

/// Decodes standard base64 that has no `=` and no whitespace, the bits past
/// the last whole byte ignored (a text cut off mid-quantum still decodes).
fn decode_unpadded(data: &[u8]) -> Option<Vec<u8>> {
    // "Forgiving" is WHATWG's decoding: padding optional, trailing bits
    // ignored, whitespace dropped (there is none here).
    base64_simd::forgiving_decode_to_vec(data).ok()
}

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')
}

/// The offset of the first byte of `text` that is no base64 character.
/// Certificates are kilobytes, read more than once: the range tests are
/// made on many bytes at once.
fn first_non_base64(text: &str) -> Option<usize> {
    find_byte(text.as_bytes(), |b| !is_base64_byte(b))
}

/// True when every character of `text` is a base64 character.
fn all_base64(text: &str) -> bool {
    first_non_base64(text).is_none()
}

fn base64_decode(body: &str) -> Result<Vec<u8>, Failure> {
    if let Some(i) = first_non_base64(body) {
        // Every base64 character is ASCII: the first bad byte starts a character.
        let found = body[i..].chars().next().unwrap_or('\u{fffd}');
        return Err(Failure::Base64 {
            position: body[..i].chars().count() + 1,
            found,
        });
    }
    // From here on the text is ASCII: byte offsets are positions.
    let data = body.trim_end_matches('=');
    if let Some(i) = memchr::memchr(b'=', data.as_bytes()) {
        return Err(Failure::Base64 {
            position: i + 1,
            found: '=',
        });
    }
    // A text cut off mid-quantum still decodes up to its last whole byte; the
    // DER length check then tells how much is missing.
    let usable = if data.len() % 4 == 1 {
        &data[..data.len() - 1]
    } else {
        data
    };
    decode_unpadded(usable.as_bytes()).ok_or_else(|| Failure::Base64 {
        position: usable.len(),
        found: usable.chars().last().unwrap_or('='),
    })
}

/// The total length the outer DER SEQUENCE announces, header included.
fn der_length(der: &[u8]) -> Result<usize, Failure> {
    match der.first() {
        None => return Err(Failure::Empty),
        Some(0x30) => {}
        Some(&first) => return Err(Failure::NotSequence { first }),
    }
    let cut = || Failure::Truncated {
        announced: None,
        present: der.len(),
    };
    let first = *der.get(1).ok_or_else(cut)?;
    if first < 0x80 {
        return Ok(2 + usize::from(first));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return Err(Failure::BadLength);
    }
    let bytes = der.get(2..2 + n).ok_or_else(cut)?;
    let len = bytes
        .iter()
        .fold(0usize, |acc, b| acc << 8 | usize::from(*b));
    Ok(len.saturating_add(2 + n))
}

/// True when base64 key material decodes to DER shaped like a private key:
/// a SEQUENCE whose first element is the version INTEGER 0 or 1 (PKCS#8,
/// PKCS#1 RSAPrivateKey, SEC 1 ECPrivateKey). Certificates and public keys
/// start with a SEQUENCE or a long INTEGER instead.
fn private_key_der(content: &str, shape: &Shape) -> bool {
    let body = match shape {
        Shape::Pem { blocks, .. } => blocks.first().map(|b| b.body.clone()),
        Shape::Bare => Some(clean(content)),
        _ => None,
    };
    body.and_then(|b| base64_decode(&b).ok())
        .is_some_and(|der| is_private_key_header(&der))
}

/// Private-key material with no armour that says so: the DER tells.
pub fn is_private_key_base64(text: &str) -> bool {
    // Every string of every payload comes through here: PKCS#8 and PKCS#1
    // keys start `MII…`, SEC 1 EC keys `MH…`, so most strings stop at once,
    // and a certificate stops at its header without the rest being read.
    let text = text.trim();
    if text.len() < 16 || !text.starts_with('M') {
        return false;
    }
    // The DER header is all that tells, so only the first 16 characters
    // (12 bytes) are decoded; the rest need only be base64.
    let mut head = [0u8; 16];
    let mut taken = 0;
    let mut bytes = text.bytes();
    let mut padding = false;
    // Base64 characters, then padding only.
    let mut accept = |b: u8| match b {
        b'=' => {
            padding = true;
            true
        }
        _ if padding => false,
        b => b.is_ascii_alphanumeric() || b == b'+' || b == b'/',
    };
    while taken < head.len() {
        let Some(b) = next_base64_byte(&mut bytes) else {
            return false;
        };
        if !accept(b) {
            return false;
        }
        head[taken] = b;
        taken += 1;
    }
    if head.contains(&b'=')
        || !decode_unpadded(&head).is_some_and(|der| is_private_key_header(&der))
    {
        return false;
    }
    while let Some(b) = next_base64_byte(&mut bytes) {
        if !accept(b) {
            return false;
        }
    }
    true
}

/// The next byte of `bytes` that is not ASCII whitespace or an escaped
/// line break or tab (`\n`, `\r`, `\t` written as a backslash and a letter).
fn next_base64_byte(bytes: &mut std::str::Bytes<'_>) -> Option<u8> {
    loop {
        let b = bytes.next()?;
        if b == b'\\' && matches!(bytes.clone().next(), Some(b'n' | b'r' | b't')) {
            bytes.next();
            continue;
        }
        if !b.is_ascii_whitespace() {
            return Some(b);
        }
    }
}

/// True when DER starts as a private key does: a SEQUENCE whose first
/// element is the INTEGER version 0 or 1.
fn is_private_key_header(der: &[u8]) -> bool {
    let header = match der.get(1) {
        Some(&l) if l < 0x80 => 2,
        Some(&l) => 2 + usize::from(l & 0x7f),
        None => return false,
    };
    der.first() == Some(&0x30)
        && matches!(der.get(header..header + 3), Some([0x02, 0x01, 0x00 | 0x01]))
}

fn parse(der: &[u8], expect: &[KeySyntax]) -> Result<Key, Failure> {
    let mut first_error = None;
    for syntax in expect {
        match parse_as(der, *syntax) {
            Ok(key) => return Ok(key),
            Err(reason) => {
                first_error.get_or_insert(reason);
            }
        }
    }
    let expected = expect.first().copied().unwrap_or(KeySyntax::Certificate);
    let actually = [
        KeySyntax::Certificate,
        KeySyntax::SubjectPublicKeyInfo,
        KeySyntax::RsaPublicKey,
    ]
    .into_iter()
    .filter(|s| !expect.contains(s))
    .find(|s| parse_as(der, *s).is_ok());
    Err(Failure::NotExpected {
        expected,
        actually,
        reason: first_error.unwrap_or_default(),
    })
}

fn parse_as(der: &[u8], syntax: KeySyntax) -> Result<Key, String> {
    match syntax {
        KeySyntax::Certificate => {
            let (_, cert) = x509_parser::parse_x509_certificate(der).map_err(|e| e.to_string())?;
            let validity = cert.validity();
            Ok(Key::Certificate(CertificateInfo {
                subject: Subject(cert.subject().as_raw().to_vec()),
                not_before: validity.not_before.to_datetime(),
                not_after: validity.not_after.to_datetime(),
                signature_oid: cert.signature_algorithm.algorithm.to_owned(),
                key: key_info(cert.public_key())?,
            }))
        }
        KeySyntax::SubjectPublicKeyInfo => {
            let (_, spki) = SubjectPublicKeyInfo::from_der(der).map_err(|e| e.to_string())?;
            Ok(Key::PublicKey(key_info(&spki)?))
        }
        KeySyntax::RsaPublicKey => {
            let (_, rsa) = RSAPublicKey::from_der(der).map_err(|e| e.to_string())?;
            Ok(Key::PublicKey(KeyInfo {
                algorithm: "RSA".to_string(),
                curve: None,
                bits: bit_length(rsa.modulus),
            }))
        }
    }
}

fn key_info(spki: &SubjectPublicKeyInfo<'_>) -> Result<KeyInfo, String> {
    let parsed = spki
        .parsed()
        .map_err(|e| format!("the public key inside does not parse: {e}"))?;
    Ok(match parsed {
        PublicKey::RSA(rsa) => KeyInfo {
            algorithm: "RSA".to_string(),
            curve: None,
            bits: bit_length(rsa.modulus),
        },
        PublicKey::EC(point) => KeyInfo {
            algorithm: "EC".to_string(),
            curve: spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid_name(&oid)),
            bits: point.key_size(),
        },
        other => KeyInfo {
            algorithm: oid_name(&spki.algorithm.algorithm),
            curve: None,
            bits: other.key_size(),
        },
    })
}

/// The bit length of a big-endian unsigned integer.
fn bit_length(bytes: &[u8]) -> usize {
    let significant = match bytes.iter().position(|b| *b != 0) {
        Some(i) => &bytes[i..],
        None => return 0,
    };
    significant.len() * 8 - significant[0].leading_zeros() as usize
}

/// An OID's registered short name, or its dotted form.
fn oid_name(oid: &Oid<'_>) -> String {
    oid2sn(oid, oid_registry())
        .map(str::to_string)
        .unwrap_or_else(|_| oid.to_id_string())
}

/// The text with ASCII whitespace and escaped line breaks (`\n`, `\r`, `\t`
/// written as a backslash and a letter) removed.
fn clean(text: &str) -> String {
    let bytes = text.as_bytes();
    if !may_have_breaks(bytes) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    let mut i = 0;
    // Copies the runs between the bytes to drop, found by a search that
    // tests many bytes at once; every byte dropped is ASCII, so each run is
    // whole UTF-8.
    while let Some(found) = find_byte(&bytes[i..], may_be_break) {
        let at = i + found;
        let skip = match bytes[at] {
            b'\\' if matches!(bytes.get(at + 1), Some(b'n' | b'r' | b't')) => 2,
            b if b.is_ascii_whitespace() => 1,
            _ => 0,
        };
        if skip > 0 {
            out.push_str(&text[start..at]);
            start = at + skip;
        }
        i = at + skip.max(1);
    }
    out.push_str(&text[start..]);
    out
}

/// False when `bytes` has no ASCII whitespace and no backslash, so that
/// [`clean`] has nothing to drop and [`breaks_of`] nothing to count.
fn may_have_breaks(bytes: &[u8]) -> bool {
    find_byte(bytes, may_be_break).is_some()
}

/// True for a byte that may start what [`clean`] drops: ASCII whitespace
/// (or another control byte) or the backslash of an escaped line break.
fn may_be_break(b: u8) -> bool {
    b <= b' ' || b == b'\\'
}

fn breaks_of(text: &str) -> Breaks {
    let bytes = text.as_bytes();
    if !may_have_breaks(bytes) {
        return Breaks::default();
    }
    // A PEM is kilobytes with a break every 64 characters: each kind is
    // counted by its own vectorised search. Every byte counted is ASCII, so
    // bytes stand for characters here.
    Breaks {
        newlines: memchr::memchr_iter(b'\n', bytes).count(),
        carriage_returns: memchr::memchr_iter(b'\r', bytes).count(),
        blanks: memchr::memchr2_iter(b' ', b'\t', bytes).count(),
        literal_escapes: memchr::memchr_iter(b'\\', bytes)
            .filter(|&at| matches!(bytes.get(at + 1), Some(b'n' | b'r')))
            .count(),
    }
}

const BEGIN: &str = "-----BEGIN";
const END: &str = "-----END";
const DASHES: &str = "-----";

/// Searchers for [`BEGIN`], [`END`] and [`DASHES`], built once: a PEM value
/// is a kilobyte or more, searched for each of them.
struct Markers {
    begin: memmem::Finder<'static>,
    end: memmem::Finder<'static>,
    dashes: memmem::Finder<'static>,
}

static MARKERS: LazyLock<Markers> = LazyLock::new(|| Markers {
    begin: memmem::Finder::new(BEGIN),
    end: memmem::Finder::new(END),
    dashes: memmem::Finder::new(DASHES),
});

/// The PEM blocks of a text, single-line or not, and whether anything but
/// whitespace lies outside them.
fn scan_blocks(text: &str) -> (Vec<Block>, bool) {
    let mut blocks = Vec::new();
    let mut stray_text = false;
    let mut rest = text;
    while let Some(at) = MARKERS.begin.find(rest.as_bytes()) {
        stray_text |= !clean(&rest[..at]).is_empty();
        let (label, after) = label_of(&rest[at + BEGIN.len()..]);
        let next_begin = MARKERS.begin.find(after.as_bytes());
        match MARKERS.end.find(after.as_bytes()) {
            Some(end) if next_begin.is_none_or(|b| end < b) => {
                let (end_label, tail) = label_of(&after[end + END.len()..]);
                blocks.push(Block {
                    label,
                    end_label: Some(end_label),
                    body: clean(&after[..end]),
                });
                rest = tail;
            }
            _ => {
                let stop = next_begin.unwrap_or(after.len());
                blocks.push(Block {
                    label,
                    end_label: None,
                    body: clean(&after[..stop]),
                });
                rest = &after[stop..];
            }
        }
    }
    stray_text |= !clean(rest).is_empty();
    (blocks, stray_text)
}

/// The label after `-----BEGIN`/`-----END`, up to the closing dashes, and
/// the text after them.
fn label_of(text: &str) -> (String, &str) {
    match MARKERS.dashes.find(text.as_bytes()) {
        Some(i) => (text[..i].trim().to_string(), &text[i + DASHES.len()..]),
        None => (text.trim().to_string(), ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = include_str!("../../../testdata/certs/rsa2048-valid.pem");
    const EC_KEY: &str = include_str!("../../../testdata/certs/ecp256-valid.pubkey.pem");

    fn body(pem: &str) -> String {
        let (blocks, _) = scan_blocks(pem);
        blocks
            .into_iter()
            .next()
            .map(|b| b.body)
            .unwrap_or_default()
    }

    #[test]
    fn decodes_a_single_line_certificate() {
        let one_line = CERT.replace('\n', "");
        let (blocks, stray) = scan_blocks(&one_line);
        assert!(!stray);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].label, "CERTIFICATE");
        assert_eq!(blocks[0].end_label.as_deref(), Some("CERTIFICATE"));
        let Ok(Key::Certificate(c)) = decode(&blocks[0].body, &[KeySyntax::Certificate]) else {
            panic!("the certificate decodes");
        };
        assert!(
            c.subject.to_string().contains("CN=rsa2048-valid"),
            "{}",
            c.subject
        );
        assert_eq!((c.key.algorithm.as_str(), c.key.bits), ("RSA", 2048));
    }

    #[test]
    fn names_the_curve_of_an_ec_key() {
        let Ok(Key::PublicKey(k)) = decode(&body(EC_KEY), &[KeySyntax::SubjectPublicKeyInfo])
        else {
            panic!("the key decodes");
        };
        assert_eq!(k.describe(), "EC key (prime256v1, 256 bits)");
    }

    #[test]
    fn reports_truncation_with_both_lengths() {
        // Seed 003's shortened documentation example.
        let failure = decode(
            "MIICyzCCAbSgAwIBAgIJAMyYqQJkmRIOMA0GCSqGSIb3DQEB",
            &[KeySyntax::Certificate],
        );
        assert!(matches!(
            failure,
            Err(Failure::Truncated {
                announced: Some(719),
                present: 36
            })
        ));
    }

    #[test]
    fn finds_the_first_bad_base64_character() {
        let failure = base64_decode("MIIC-zCC");
        assert!(matches!(
            failure,
            Err(Failure::Base64 {
                position: 5,
                found: '-'
            })
        ));
    }

    #[test]
    fn recognises_private_key_der() {
        // PKCS#8 header of a P-256 key: SEQUENCE, INTEGER 0, AlgorithmIdentifier.
        assert!(is_private_key_base64(
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg"
        ));
        assert!(!is_private_key_base64(&body(CERT)));
        // Line breaks, escaped or not, may fall inside the header.
        assert!(is_private_key_base64(
            "MIGHAgEA\\nMBMGByqG\nSM49AgEGCCqGSM49AwEHBG0wawIBAQQg"
        ));
        // What follows the header must be base64 too, padding only at the end.
        assert!(!is_private_key_base64(
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49Aw-EHBG0wawIBAQQg"
        ));
        assert!(is_private_key_base64("MIGHAgEAMBMGByqGSM49AgEGCA=="));
        assert!(!is_private_key_base64("MIGHAgEAMBMGByqGSM49AgEGCA==AA"));
        assert!(!is_private_key_base64("MIGHAgEAMBMGBy"));
    }

    /// The byte-at-a-time reading that [`clean`] and [`breaks_of`] give the
    /// same results as.
    fn clean_and_breaks_one_byte_at_a_time(text: &str) -> (String, Breaks) {
        let mut out = String::new();
        let mut breaks = Breaks::default();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if matches!(chars.peek(), Some('n' | 'r' | 't')) => {
                    let next = chars.next();
                    if next != Some('t') {
                        breaks.literal_escapes += 1;
                    }
                }
                '\n' => breaks.newlines += 1,
                '\r' => breaks.carriage_returns += 1,
                ' ' | '\t' => breaks.blanks += 1,
                '\u{c}' => {}
                c => out.push(c),
            }
        }
        (out, breaks)
    }

    proptest::proptest! {
        #[test]
        fn cleaning_and_counting_breaks_read_every_byte(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "MIIC", "AB+/", "==", "\\", "n", "r", "t", " ", "\n", "\r", "\t",
                    "\u{c}", "\u{1}", "é", "\\x", "-----BEGIN",
                ]),
                0..200,
            )
        ) {
            let text: String = parts.concat();
            let (cleaned, breaks) = clean_and_breaks_one_byte_at_a_time(&text);
            proptest::prop_assert_eq!(clean(&text), cleaned);
            let found = breaks_of(&text);
            proptest::prop_assert_eq!(
                (found.newlines, found.carriage_returns, found.blanks, found.literal_escapes),
                (breaks.newlines, breaks.carriage_returns, breaks.blanks, breaks.literal_escapes)
            );
        }
    }

    proptest::proptest! {
        /// The vectorised decoder reads unpadded base64 as the `base64`
        /// crate does when told to ignore the bits past the last byte: the
        /// same bytes, or an error for both (one character past a quantum).
        #[test]
        fn unpadded_base64_decodes_as_the_base64_crate_decodes_it(
            text in "[A-Za-z0-9+/]{0,300}"
        ) {
            use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
            use base64::Engine;
            const REFERENCE: GeneralPurpose = GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                GeneralPurposeConfig::new()
                    .with_decode_padding_mode(DecodePaddingMode::RequireNone)
                    .with_decode_allow_trailing_bits(true),
            );
            proptest::prop_assert_eq!(
                decode_unpadded(text.as_bytes()),
                REFERENCE.decode(&text).ok()
            );
        }
    }

    #[test]
    fn cleaning_drops_whitespace_and_escaped_breaks_only() {
        assert_eq!(clean("MIIB\\nAA AA\r\n\tBB=="), "MIIBAAAABB==");
        // A control character is no whitespace: it stays, for base64 to reject.
        assert_eq!(clean("MIIB\u{1}AAAA"), "MIIB\u{1}AAAA");
        assert_eq!(clean("MIIB\\xAAAA"), "MIIB\\xAAAA");
        let long = "MIIC".repeat(100);
        assert_eq!(clean(&long), long);
        assert_eq!(clean(&format!("{long}\n{long}")), format!("{long}{long}"));
        let b = breaks_of(&format!("{long}\u{1}{long}"));
        assert_eq!((b.newlines, b.blanks, b.literal_escapes), (0, 0, 0));
    }

    #[test]
    fn counts_line_breaks_of_each_kind() {
        let b = breaks_of("-----BEGIN CERTIFICATE-----\nMIIB\r\nAAAA\\n-----END CERTIFICATE-----");
        assert_eq!(
            (b.newlines, b.carriage_returns, b.literal_escapes),
            (2, 1, 1)
        );
    }
}
