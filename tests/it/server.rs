//! `idplint server` as an editor speaks to it: the built binary, spawned,
//! with Language Server Protocol messages over its standard input and
//! output (Content-Length framing), every wait bounded by a timeout.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The longest wait for one message (the first lint compiles the schemas).
const TIMEOUT: Duration = Duration::from_secs(60);

/// A language client: the server's process and its messages.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages received but not yet asked for.
    backlog: VecDeque<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
}

impl Client {
    /// Starts `idplint server` and initializes it with `capabilities`;
    /// returns the client and the initialize result.
    fn start(capabilities: Value) -> (Self, Value) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_idplint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr");
        let log = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            log.lock().unwrap().push_str(&text);
        });
        let mut client = Self {
            stdin: child.stdin.take(),
            child,
            incoming,
            backlog: VecDeque::new(),
            stderr,
            next_id: 1,
        };
        let params = json!({"processId": null, "rootUri": null, "capabilities": capabilities});
        let result = client.request("initialize", params);
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).expect("the server reads");
        stdin.flush().expect("the server reads");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response's `result`.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait_for(&format!("the response to {method}"), |m| {
            m["id"] == json!(id) && m.get("method").is_none()
        });
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The first message `wanted` accepts, from the backlog or the server.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(at).expect("in the backlog");
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.backlog.push_back(message),
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server ended before {what}; stderr: {}", self.stderr())
                }
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let published = self.wait_for(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        published["params"]["diagnostics"]
            .as_array()
            .expect("a list")
            .clone()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) -> Vec<Value> {
        let item = json!({"uri": uri, "languageId": language, "version": 1, "text": text});
        self.notify("textDocument/didOpen", json!({"textDocument": item}));
        self.diagnostics(uri)
    }

    fn change(&mut self, uri: &str, version: i32, changes: Value) -> Vec<Value> {
        let document = json!({"uri": uri, "version": version});
        let params = json!({"textDocument": document, "contentChanges": changes});
        self.notify("textDocument/didChange", params);
        self.diagnostics(uri)
    }

    fn code_actions(&mut self, uri: &str, range: &Value, context: Value) -> Vec<Value> {
        let params = json!({"textDocument": {"uri": uri}, "range": range, "context": context});
        let result = self.request("textDocument/codeAction", params);
        result.as_array().expect("a list of actions").clone()
    }

    /// Closes the server's input and waits for it to end.
    fn finish(mut self) -> (ExitStatus, String) {
        self.stdin = None;
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("the server's status") {
                // The stderr thread ends with the process.
                std::thread::sleep(Duration::from_millis(50));
                return (status, self.stderr());
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test leaves no server behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One framed message, or `None` at the end of the output.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("a message is JSON"))
}

fn testdata(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(path);
    std::fs::read_to_string(path).expect("a test file")
}

fn uri_of(path: &Path) -> String {
    url::Url::from_file_path(path)
        .expect("an absolute path")
        .to_string()
}

/// Code, severity and range (start line, character, end line, character).
fn summary(diagnostics: &[Value]) -> Vec<(String, u64, [u64; 4])> {
    diagnostics
        .iter()
        .map(|d| {
            let r = &d["range"];
            let at = |p: &str, f: &str| r[p][f].as_u64().expect("a number");
            (
                d["code"].as_str().expect("a code").to_string(),
                d["severity"].as_u64().expect("a severity"),
                [
                    at("start", "line"),
                    at("start", "character"),
                    at("end", "line"),
                    at("end", "character"),
                ],
            )
        })
        .collect()
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    summary(diagnostics).into_iter().map(|(c, ..)| c).collect()
}

const ERROR: u64 = 1;
const WARNING: u64 = 2;
const INFO: u64 = 3;

/// `text` with `edits` (LSP text edits on ASCII text, not overlapping) applied.
fn apply_ascii(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + p["character"].as_u64().unwrap() as usize
    };
    let mut sorted: Vec<&Value> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    let mut out = text.to_string();
    for edit in sorted {
        let (start, end) = (
            offset(&edit["range"]["start"]),
            offset(&edit["range"]["end"]),
        );
        out.replace_range(start..end, edit["newText"].as_str().unwrap());
    }
    out
}

/// The edits an action makes to `uri`.
fn edits_of(action: &Value, uri: &str) -> Vec<Value> {
    action["edit"]["changes"][uri]
        .as_array()
        .expect("edits to the document")
        .clone()
}

/// A Qlik OIDC create payload whose `discoveryUrl` Markdown wrapped in
/// `<` `>` (IDP502, with a safe fix) and that is no discovery document
/// (IDP504, unsafe fix); its secret is a template variable (IDP010).
fn autolink_payload() -> String {
    testdata("qlik/create/invalid-discovery-url-markdown-autolink.json")
}

/// A fractional clock tolerance (IDP202) after non-ASCII text on its line,
/// with CRLF line ends.
fn zurich_payload() -> String {
    let text = testdata("qlik/create/invalid-clock-tolerance-fractional.json");
    let two_lines = "  \"description\": \"Okta workforce login for the analytics tenant\",\n  \"clockToleranceSec\": 2.5,";
    assert!(text.contains(two_lines));
    let one_line = "  \"description\": \"Zürich 🔐\", \"clockToleranceSec\": 2.5,";
    text.replace(two_lines, one_line).replace('\n', "\r\n")
}

#[test]
fn an_editing_session_gets_findings_fixes_and_a_clean_exit() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let (mut client, init) = Client::start(json!({}));
    let capabilities = &init["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2);
    assert_eq!(
        capabilities["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.idplint"])
    );
    assert_eq!(init["serverInfo"]["name"], "idplint");

    let okta = uri_of(&dir.path().join("idp/okta.json"));
    let text = autolink_payload();
    let found = client.open(&okta, "json", &text);
    assert_eq!(
        summary(&found),
        [
            ("IDP502".into(), ERROR, [5, 20, 5, 60]),
            ("IDP504".into(), WARNING, [5, 20, 5, 60]),
            ("IDP010".into(), INFO, [7, 20, 7, 43]),
        ]
    );
    assert!(found.iter().all(|d| d["source"] == "idplint"));
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("\nhelp: remove the `<` and `>`"));

    quick_fixes_and_fix_all(&mut client, &okta, &text, &found);
    let fixed = text.replace(
        "\"<https://acme.okta.com/oauth2/default>\"",
        "\"https://acme.okta.com/oauth2/default\"",
    );

    // The whole text, as a client without incremental sync sends it.
    let after = client.change(&okta, 2, json!([{"text": fixed}]));
    assert_eq!(codes(&after), ["IDP504", "IDP010"]);
    // Quick fixes placed in version 1 are not offered for version 2.
    let stale = client.code_actions(&okta, &found[0]["range"], json!({"diagnostics": found}));
    assert_eq!(stale, Vec::<Value>::new());
    // A range of the text replaced, as most editors send a change.
    let well_known = "\"https://acme.okta.com/oauth2/default/.well-known/openid-configuration\"";
    let change = json!([{"range": after[0]["range"], "text": well_known}]);
    let after = client.change(&okta, 3, change);
    assert_eq!(codes(&after), ["IDP010"]);

    non_ascii_crlf_and_other_documents(&mut client, dir.path());

    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": okta}}),
    );
    assert_eq!(client.diagnostics(&okta), Vec::<Value>::new());
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    let (status, stderr) = client.finish();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
}

/// The code actions at the IDP502 finding of the autolink payload.
fn quick_fixes_and_fix_all(client: &mut Client, uri: &str, text: &str, found: &[Value]) {
    let context = json!({"diagnostics": [found[0], found[1]]});
    let actions = client.code_actions(uri, &found[0]["range"], context);
    assert_eq!(actions.len(), 3, "{actions:#?}");
    let safe = &actions[0];
    assert_eq!(safe["title"], "Remove the `<` and `>` (IDP502)");
    assert_eq!(safe["kind"], "quickfix");
    assert_eq!(safe["isPreferred"], true);
    assert_eq!(safe["diagnostics"][0]["code"], "IDP502");
    let edits = edits_of(safe, uri);
    assert_eq!(
        edits,
        [json!({
            "range": {"start": {"line": 5, "character": 20}, "end": {"line": 5, "character": 60}},
            "newText": "\"https://acme.okta.com/oauth2/default\""
        })]
    );
    let unsafe_fix = &actions[1];
    let title = unsafe_fix["title"].as_str().unwrap();
    assert!(
        title.starts_with("Unsafe fix") && title.ends_with("(IDP504)"),
        "{title}"
    );
    assert_eq!(unsafe_fix["isPreferred"], false);
    let completed = apply_ascii(text, &edits_of(unsafe_fix, uri));
    assert!(completed.contains(
        "\"discoveryUrl\": \"https://acme.okta.com/oauth2/default/.well-known/openid-configuration\","
    ));

    // Fixing all applies the safe fix only.
    let all = &actions[2];
    assert_eq!(all["kind"], "source.fixAll.idplint");
    let fixed = apply_ascii(text, &edits_of(all, uri));
    assert_eq!(fixed, apply_ascii(text, &edits));
    // Asked for on save (`source.fixAll`), it comes alone.
    let on_save = client.code_actions(
        uri,
        &found[0]["range"],
        json!({"diagnostics": [], "only": ["source.fixAll"]}),
    );
    assert_eq!(on_save.len(), 1);
    assert_eq!(on_save[0]["kind"], "source.fixAll.idplint");
}

/// Non-ASCII text and CRLF, a JSON file that is no payload, and Markdown.
fn non_ascii_crlf_and_other_documents(client: &mut Client, dir: &Path) {
    let zurich = uri_of(&dir.join("idp/zurich.json"));
    let found = client.open(&zurich, "json", &zurich_payload());
    // `  "description": "Zürich 🔐", "clockToleranceSec": ` is 51 UTF-16 units.
    assert_eq!(
        summary(&found),
        [
            ("IDP202".into(), WARNING, [5, 51, 5, 54]),
            ("IDP010".into(), INFO, [9, 20, 9, 43]),
        ]
    );

    let package = uri_of(&dir.join("web/package.json"));
    let manifest = "{\n  \"name\": \"web\",\n  \"version\": \"1.0.0\",\n  \"private\": true\n}\n";
    assert_eq!(client.open(&package, "json", manifest), Vec::<Value>::new());
    // A typo in it while editing says nothing either.
    let typo = json!([{"text": "{\n  \"name\": \"web\",\n  \"version\": \"1.0.0\",\n"}]);
    assert_eq!(client.change(&package, 2, typo), Vec::<Value>::new());

    let runbook = uri_of(&dir.join("docs/runbook.md"));
    let found = client.open(&runbook, "markdown", &testdata("containers/runbook.md"));
    let lines: Vec<(String, u64)> = summary(&found)
        .into_iter()
        .map(|(code, _, range)| (code, range[0]))
        .collect();
    let expected = [
        ("IDP103", 19),
        ("IDP105", 20),
        ("IDP006", 21),
        ("IDP009", 21),
        ("IDP405", 22),
        ("IDP010", 33),
        ("IDP010", 36),
        ("IDP006", 39),
        ("IDP603", 49),
    ];
    let expected: Vec<(String, u64)> = expected.iter().map(|(c, l)| (c.to_string(), *l)).collect();
    assert_eq!(lines, expected);
    assert_eq!(
        summary(&found)[0],
        ("IDP103".into(), ERROR, [19, 20, 19, 25])
    );
    let script = uri_of(&dir.join("notes.txt"));
    assert_eq!(
        client.open(&script, "plaintext", "curl -d '{}'"),
        Vec::<Value>::new()
    );
}

#[test]
fn positions_count_bytes_when_the_client_offers_utf8() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let offer = json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}});
    let (mut client, init) = Client::start(offer);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let zurich = uri_of(&dir.path().join("zurich.json"));
    let found = client.open(&zurich, "json", &zurich_payload());
    // `ü` is 2 bytes, `🔐` 4.
    assert_eq!(
        summary(&found)[0],
        ("IDP202".into(), WARNING, [5, 54, 5, 57])
    );

    // An edit in bytes: `2.5` becomes `3`.
    let range = json!({"start": {"line": 5, "character": 54}, "end": {"line": 5, "character": 57}});
    let after = client.change(&zurich, 2, json!([{"range": range, "text": "3"}]));
    assert_eq!(codes(&after), ["IDP010"]);

    // `exit` without `shutdown`: the protocol's exit status 1.
    client.notify("exit", Value::Null);
    let (status, stderr) = client.finish();
    assert_eq!(status.code(), Some(1), "stderr: {stderr}");
}

#[test]
fn configuration_is_found_per_document_and_reloaded() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    let config = root.join("idplint.toml");
    std::fs::write(
        &config,
        "ignore = [\"IDP010\"]\nexclude = [\"legacy/**\"]\n",
    )
    .unwrap();
    let watch = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let (mut client, _) = Client::start(watch);

    // The server asks to watch the configuration files.
    let register = client.wait_for("a registration", |m| {
        m["method"] == "client/registerCapability"
    });
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"][0]["globPattern"],
        "**/idplint.toml"
    );
    client.send(&json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));

    let okta = uri_of(&root.join("idp/qlik/okta.json"));
    let found = client.open(&okta, "json", &autolink_payload());
    assert_eq!(codes(&found), ["IDP502", "IDP504"]);
    let legacy = uri_of(&root.join("legacy/okta.json"));
    assert_eq!(
        client.open(&legacy, "json", &autolink_payload()),
        Vec::<Value>::new()
    );

    std::fs::write(&config, "[severity]\nIDP504 = \"error\"\n").unwrap();
    let changed = json!({"changes": [{"uri": uri_of(&config), "type": 2}]});
    client.notify("workspace/didChangeWatchedFiles", changed);
    // Every open document is linted again, in the order of their URIs.
    let legacy_now = client.diagnostics(&legacy);
    assert_eq!(codes(&legacy_now), ["IDP502", "IDP504", "IDP010"]);
    let found = client.diagnostics(&okta);
    assert_eq!(summary(&found)[1].0, "IDP504");
    assert_eq!(summary(&found)[1].1, ERROR);

    // A `[[suppress]]` entry silences its finding in the editor too.
    std::fs::write(
        &config,
        "[[suppress]]\npath = \"idp/qlik/*.json\"\ncode = \"IDP504\"\npointer = \"/pendingOptions\"\nreason = \"issuer kept until the Okta migration\"\n",
    )
    .unwrap();
    let changed = json!({"changes": [{"uri": uri_of(&config), "type": 2}]});
    client.notify("workspace/didChangeWatchedFiles", changed);
    assert_eq!(
        codes(&client.diagnostics(&legacy)),
        ["IDP502", "IDP504", "IDP010"]
    );
    assert_eq!(codes(&client.diagnostics(&okta)), ["IDP502", "IDP010"]);

    // A configuration with a problem: reported on the file, its documents
    // not linted until it is fixed.
    std::fs::write(&config, "ignore = [\"IDP999\"]\n").unwrap();
    let saved = json!({"textDocument": {"uri": uri_of(&config)}});
    client.notify("textDocument/didSave", saved);
    let problems = client.diagnostics(&uri_of(&config));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let range = json!({"start": {"line": 0, "character": 11}, "end": {"line": 0, "character": 17}});
    assert_eq!(problems[0]["range"], range);
    assert_eq!(problems[0]["severity"], ERROR);
    assert!(problems[0]["message"].as_str().unwrap().contains("IDP999"));
    let shown = client.wait_for("a message", |m| m["method"] == "window/showMessage");
    assert_eq!(shown["params"]["type"], 2);
    assert_eq!(client.diagnostics(&legacy), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&okta), Vec::<Value>::new());

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    let (status, stderr) = client.finish();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert!(
        stderr.contains("IDP999"),
        "the log names the problem: {stderr}"
    );
}

#[test]
fn a_message_that_is_not_the_protocol_ends_the_server_without_printing_it() {
    let (mut client, _) = Client::start(json!({}));
    let secret = "q8Z~fT3.kLm0-Xy7Vb2NcR5sWd9PzA1hGj4UeYo6";
    let body = format!("{{\"clientSecret\": \"{secret}\", oops}}");
    client.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    let (status, stderr) = client.finish();
    assert_eq!(status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.contains("could not be read"), "{stderr}");
    assert!(!stderr.contains(secret), "{stderr}");
}
