//! `idplint server`: the Language Server Protocol over standard input and
//! output, for editors. Open payloads and containers get their findings as
//! diagnostics on every change; fixes are code actions.
//!
//! Standard output carries the protocol alone; the log (a lint that failed,
//! a configuration file with problems) goes to standard error.

mod actions;
mod convert;
mod documents;
mod settings;
mod text;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::ExitCode;

use crate::config::{Config, ConfigError};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher,
    GlobPattern, InitializeParams, InitializeResult, MessageType, PositionEncodingKind,
    PublishDiagnosticsParams, Registration, RegistrationParams, ServerCapabilities, ServerInfo,
    ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};

use documents::{Document, Target};
use settings::{Settings, Setup};
use text::{Encoding, LineIndex};

/// Serves one client until it says `exit` or goes away. Exits 0 after
/// `shutdown` then `exit`, 1 when the client ends without `shutdown` (as
/// the protocol asks), 2 when it sends what is not the protocol.
pub fn run() -> ExitCode {
    let (connection, io_threads) = Connection::stdio();
    let ended = serve(&connection);
    drop(connection);
    let shut_down = match ended {
        Ended::Failed(message) => {
            eprintln!("error: {message}");
            // The reader may still be waiting for input: not waited for.
            return ExitCode::from(2);
        }
        Ended::Exit { shut_down } | Ended::Disconnected { shut_down } => shut_down,
    };
    if let Err(e) = io_threads.join() {
        // The error quotes the message it could not read, which may hold a
        // document: only its kind is told.
        eprintln!(
            "error: the client's messages could not be read or written ({})",
            e.kind()
        );
        return ExitCode::from(2);
    }
    ExitCode::from(if shut_down { 0 } else { 1 })
}

/// How serving ended.
enum Ended {
    /// The client sent `exit`.
    Exit { shut_down: bool },
    /// The client closed its end, or the connection broke.
    Disconnected { shut_down: bool },
    /// The initialization failed.
    Failed(String),
}

fn serve(connection: &Connection) -> Ended {
    let (id, params) = match connection.initialize_start() {
        Ok(started) => started,
        Err(e) => return Ended::Failed(format!("the client did not initialize: {e}")),
    };
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_else(|_| {
        eprintln!("idplint server: the initialize parameters are not valid; using the defaults");
        InitializeParams::default()
    });
    let encoding = negotiate_encoding(&params);
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "idplint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let mut server = Server {
        connection,
        encoding,
        watch_config: watches_files(&params),
        documents: HashMap::new(),
        settings: Settings::default(),
        config_problems: BTreeSet::new(),
        shut_down: false,
        gone: false,
    };
    server.send(Response::new_ok(id, result).into());
    server.serve()
}

/// UTF-8 when the client offers it, else UTF-16, the protocol's default.
fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref());
    if offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

/// True when the client lets the server ask it to watch files.
fn watches_files(params: &InitializeParams) -> bool {
    params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::new(actions::FIX_ALL),
            ]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// The server's state between messages.
struct Server<'a> {
    connection: &'a Connection,
    encoding: Encoding,
    /// Whether to ask the client to watch the configuration files.
    watch_config: bool,
    documents: HashMap<Uri, Document>,
    settings: Settings,
    /// Configuration files on which problems are published.
    config_problems: BTreeSet<Uri>,
    shut_down: bool,
    /// The client can no longer be written to.
    gone: bool,
}

/// What to do after a message.
enum Flow {
    Continue,
    Exit,
}

impl Server<'_> {
    fn serve(&mut self) -> Ended {
        while !self.gone {
            let Ok(message) = self.connection.receiver.recv() else {
                break;
            };
            let flow = match message {
                Message::Request(request) => {
                    self.request(request);
                    Flow::Continue
                }
                Message::Notification(notification) => self.notification(notification),
                Message::Response(response) => {
                    if let Err(error) = response.response_result {
                        eprintln!(
                            "idplint server: the client refused a request: {}",
                            error.message
                        );
                    }
                    Flow::Continue
                }
            };
            if let Flow::Exit = flow {
                return Ended::Exit {
                    shut_down: self.shut_down,
                };
            }
        }
        Ended::Disconnected {
            shut_down: self.shut_down,
        }
    }

    /// Sends `message`; a client that cannot be written to ends the loop.
    fn send(&mut self, message: Message) {
        if self.connection.sender.send(message).is_err() {
            self.gone = true;
        }
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let response = if self.shut_down {
            error(id, ErrorCode::InvalidRequest, "the server is shut down")
        } else if request.method == "shutdown" {
            self.shut_down = true;
            Response::new_ok(id, ())
        } else if request.method == CodeActionRequest::METHOD {
            // A bug met here fails this request alone.
            let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.code_action_response(request)
            }));
            answered.unwrap_or_else(|_| error(id, ErrorCode::InternalError, "internal error"))
        } else {
            error(
                id,
                ErrorCode::MethodNotFound,
                "not a request idplint serves",
            )
        };
        self.send(response.into());
    }

    fn code_action_response(&mut self, request: Request) -> Response {
        match serde_json::from_value::<CodeActionParams>(request.params) {
            Ok(params) => Response::new_ok(request.id, self.code_actions(&params)),
            Err(e) => error(request.id, ErrorCode::InvalidParams, &e.to_string()),
        }
    }

    fn notification(&mut self, notification: Notification) -> Flow {
        let method = notification.method.clone();
        if method == "exit" {
            return Flow::Exit;
        }
        if self.shut_down {
            return Flow::Continue;
        }
        let handled =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.dispatch(notification)));
        match handled {
            Ok(Some(())) => {}
            Ok(None) => {
                eprintln!("idplint server: ignored a `{method}` notification: its parameters are not valid");
            }
            // The panic hook has said where.
            Err(_) => eprintln!("idplint server: a `{method}` notification failed; serving on"),
        }
        Flow::Continue
    }

    /// Handles a notification; `None` when its parameters are not valid.
    fn dispatch(&mut self, notification: Notification) -> Option<()> {
        let params = notification.params;
        match notification.method.as_str() {
            "initialized" => self.watch_config_files(),
            DidOpenTextDocument::METHOD => self.did_open(parse(params)?),
            DidChangeTextDocument::METHOD => self.did_change(parse(params)?),
            DidSaveTextDocument::METHOD => self.did_save(parse(params)?),
            DidCloseTextDocument::METHOD => self.did_close(parse(params)?),
            DidChangeWatchedFiles::METHOD => self.did_change_watched_files(parse(params)?),
            // `$/cancelRequest`, `$/setTrace` and the like: nothing to do.
            _ => {}
        }
        Some(())
    }

    fn did_open(&mut self, params: lsp_types::DidOpenTextDocumentParams) {
        let item = params.text_document;
        let document = Document::new(item.uri.clone(), item.language_id, item.version, item.text);
        self.documents.insert(item.uri.clone(), document);
        self.lint_and_publish(&item.uri);
    }

    fn did_change(&mut self, params: lsp_types::DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.get_mut(&uri) else {
            eprintln!(
                "idplint server: a change to `{}`, which is not open",
                uri.as_str()
            );
            return;
        };
        for change in params.content_changes {
            text::apply_change(&mut document.text, change, self.encoding);
        }
        document.version = params.text_document.version;
        self.lint_and_publish(&uri);
    }

    fn did_save(&mut self, params: lsp_types::DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        if documents::file_path(&uri).is_some_and(|p| settings::is_config_file(&p)) {
            self.reload_config();
        } else if self.documents.contains_key(&uri) {
            self.lint_and_publish(&uri);
        }
    }

    fn did_close(&mut self, params: lsp_types::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.documents.remove(&uri).is_some() {
            self.publish(uri, Vec::new(), None);
        }
    }

    fn did_change_watched_files(&mut self, params: lsp_types::DidChangeWatchedFilesParams) {
        let config_changed = params.changes.iter().any(|change| {
            documents::file_path(&change.uri).is_some_and(|p| settings::is_config_file(&p))
        });
        if config_changed {
            self.reload_config();
        }
    }

    /// Asks the client to tell when a configuration file is created,
    /// changed or deleted, if it lets the server ask.
    fn watch_config_files(&mut self) {
        if !self.watch_config {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{}", crate::config::FILE_NAME)),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "idplint-configuration-files".to_string(),
                method: DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let id = RequestId::from("idplint-watch-configuration".to_string());
        let request = Request::new(id, RegisterCapability::METHOD.to_string(), params);
        self.send(request.into());
    }

    /// Forgets every configuration loaded, takes down the problems
    /// published on them, and lints every open document again.
    fn reload_config(&mut self) {
        self.settings.forget();
        for uri in std::mem::take(&mut self.config_problems) {
            self.publish(uri, Vec::new(), None);
        }
        let mut open: Vec<Uri> = self.documents.keys().cloned().collect();
        open.sort();
        for uri in open {
            self.lint_and_publish(&uri);
        }
    }

    fn lint_and_publish(&mut self, uri: &Uri) {
        let diagnostics = self.lint(uri);
        let version = self.documents.get(uri).map(|d| d.version);
        self.publish(uri.clone(), diagnostics, version);
    }

    fn publish(&mut self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(PublishDiagnostics::METHOD.to_string(), params).into());
    }

    /// The open document's findings as diagnostics; none for a document
    /// that is not linted.
    fn lint(&mut self, uri: &Uri) -> Vec<lsp_types::Diagnostic> {
        let Some(target) = self.documents.get(uri).and_then(Document::target) else {
            return Vec::new();
        };
        let (setup, fresh) = self.settings.for_document(target.path.as_deref());
        let (config, linter) = match &*setup {
            Setup::Ready { config, linter } => (config, linter),
            Setup::Invalid { path, errors } => {
                if fresh {
                    self.report_config_problems(path, errors);
                }
                return Vec::new();
            }
        };
        let encoding = self.encoding;
        match self.documents.get_mut(uri) {
            Some(document) => lint_document(document, &target, config, linter, encoding),
            None => Vec::new(),
        }
    }

    /// Logs the problems of a configuration file, publishes them on the
    /// file, and tells the user that its documents are not linted.
    fn report_config_problems(&mut self, path: &Path, errors: &[ConfigError]) {
        for e in errors {
            eprintln!("idplint server: {}: {}", path.display(), e.message);
        }
        let text = crate::source::read_small_text(path).unwrap_or_default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if let Some(uri) = file_uri(path) {
            let diagnostics = convert::config_diagnostics(errors, text, self.encoding);
            self.publish(uri.clone(), diagnostics, None);
            self.config_problems.insert(uri);
        }
        let message = format!(
            "idplint: {} has problems; the files it configures are not linted until they are fixed",
            path.display()
        );
        let params = ShowMessageParams {
            typ: MessageType::WARNING,
            message,
        };
        self.send(Notification::new(ShowMessage::METHOD.to_string(), params).into());
    }

    fn code_actions(&mut self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let Some(document) = self.documents.get(uri) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        if actions::wanted(params, CodeActionKind::QUICKFIX.as_str()) {
            found.extend(actions::quick_fixes(params, document));
        }
        if actions::wanted(params, actions::FIX_ALL) && document.safe_fixes > 0 {
            found.extend(self.fix_all(uri));
        }
        found
    }

    /// The action applying every safe fix of the document (over as many
    /// rounds as `idplint check --fix` takes).
    fn fix_all(&mut self, uri: &Uri) -> Option<CodeActionOrCommand> {
        let target = self.documents.get(uri)?.target()?;
        let (setup, _) = self.settings.for_document(target.path.as_deref());
        let Setup::Ready { config, linter } = &*setup else {
            return None;
        };
        let document = self.documents.get(uri)?;
        let name = Path::new(&target.name);
        let fixed = crate::fix::fix_text_sparing(
            linter,
            &target.name,
            &document.text,
            &target.options(config),
            crate::fix::FixMode::Safe,
            &|d| config.is_suppressed(name, d),
        );
        actions::fix_all(document, &fixed.text, fixed.applied, self.encoding)
    }
}

/// Lints an open document with its configuration; remembers what the code
/// actions need.
fn lint_document(
    document: &mut Document,
    target: &Target,
    config: &Config,
    linter: &crate::Linter,
    encoding: Encoding,
) -> Vec<lsp_types::Diagnostic> {
    document.safe_fixes = 0;
    if target.is_excluded(config) {
        return Vec::new();
    }
    if document.text.len() > crate::source::MAX_INPUT_BYTES {
        eprintln!(
            "idplint server: `{}` is larger than the 16 MiB a file may have; not linted",
            document.uri.as_str()
        );
        return Vec::new();
    }
    let options = target.options(config);
    let mut report = linter.lint_source(&target.name, &document.text, &options);
    // The editor shows what `idplint check` reports: not what `[[suppress]]`
    // entries silence (a baseline is a matter of the command line).
    let name = Path::new(&target.name);
    report
        .diagnostics
        .retain(|d| !config.is_suppressed(name, d));
    if let Some(error) = &report.error {
        eprintln!("idplint server: `{}`: {error}", document.uri.as_str());
        return Vec::new();
    }
    if !document.shows(&report, options.kind.is_some()) {
        return Vec::new();
    }
    document.safe_fixes = report
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|fix| fix.applicability == crate::diagnostic::Applicability::Safe)
        .count();
    let lines = LineIndex::new(&document.text);
    let converter = convert::Converter {
        uri: &document.uri,
        version: document.version,
        lines: &lines,
        encoding,
    };
    report
        .diagnostics
        .iter()
        .map(|d| converter.diagnostic(d))
        .collect()
}

fn parse<T: serde::de::DeserializeOwned>(params: serde_json::Value) -> Option<T> {
    serde_json::from_value(params).ok()
}

fn error(id: RequestId, code: ErrorCode, message: &str) -> Response {
    Response::new_err(id, code as i32, message.to_string())
}

/// The `file:` URI of `path`.
fn file_uri(path: &Path) -> Option<Uri> {
    let absolute = std::path::absolute(path).ok()?;
    url::Url::from_file_path(absolute)
        .ok()?
        .as_str()
        .parse()
        .ok()
}
