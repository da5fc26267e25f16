//! `idplint._idplint`: the native half of the Python package. It lints with
//! [`idplint::Linter`] with the interpreter's lock released and hands back
//! plain dictionaries, which `idplint/__init__.py` turns into frozen
//! dataclasses.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use idplint::{
    ConfigError, Diagnostic, FileReport, Kind, Linter, Options, Protocol, SourceOptions,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

pyo3::create_exception!(
    idplint,
    IdplintError,
    PyValueError,
    "Input idplint cannot lint: an unknown kind or protocol, a file that cannot be read, \
     a body that is not text, or an invalid configuration."
);

/// The configuration (`idplint.toml`) and the linter built from it, once.
#[pyclass(frozen, module = "idplint", name = "Config")]
struct PyConfig {
    config: idplint::Config,
    linter: Linter,
}

#[pymethods]
impl PyConfig {
    /// The configuration in `text`, in the format of `idplint.toml`. Globs
    /// are relative to `root` (default: the current directory).
    #[staticmethod]
    #[pyo3(signature = (text, *, root = None))]
    fn from_str(text: &str, root: Option<PathBuf>) -> PyResult<Self> {
        let root = root.unwrap_or_default();
        let config = idplint::Config::from_str(text, &root).map_err(config_error)?;
        Ok(Self::new(config))
    }

    /// The configuration file at `path`; its globs are relative to its
    /// directory.
    #[staticmethod]
    fn from_path(path: PathBuf) -> PyResult<Self> {
        let config = idplint::Config::from_path(&path).map_err(config_error)?;
        Ok(Self::new(config))
    }

    /// The configuration file's path, when it was read from one.
    #[getter]
    fn path(&self) -> Option<PathBuf> {
        self.config.path().map(Path::to_path_buf)
    }

    fn __repr__(&self) -> String {
        match self.config.path() {
            Some(path) => format!("Config.from_path({:?})", path.display().to_string()),
            None => "Config.from_str(...)".to_string(),
        }
    }
}

impl PyConfig {
    fn new(config: idplint::Config) -> Self {
        let linter = config.linter();
        Self { config, linter }
    }
}

/// Every problem of a configuration as one exception, each drawn with its
/// excerpt as the command line draws it.
fn config_error(error: ConfigError) -> PyErr {
    IdplintError::new_err(error.to_string())
}

/// The linter without a configuration: every rule at its default severity.
fn default_linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::new(Options::default()))
}

/// A body as the linter takes it: text, or bytes that may not be UTF-8.
enum Body {
    Text(PyBackedStr),
    Bytes(PyBackedBytes),
}

impl Body {
    fn extract(body: &Bound<'_, PyAny>) -> PyResult<Self> {
        if body.is_instance_of::<PyString>() {
            let text = body.extract().map_err(|_| {
                IdplintError::new_err(
                    "the body is not valid Unicode text (it holds a lone surrogate): pass bytes",
                )
            })?;
            Ok(Body::Text(text))
        } else if body.is_instance_of::<PyBytes>() {
            Ok(Body::Bytes(body.extract()?))
        } else {
            Err(IdplintError::new_err(format!(
                "the body must be str or bytes, not {}",
                body.get_type().name()?
            )))
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Body::Text(text) => text.as_bytes(),
            Body::Bytes(bytes) => bytes,
        }
    }
}

/// What to lint with, and what the source is: the configuration's kind
/// and protocol for `name`, with the call's own on top.
fn source_options(
    config: Option<&PyConfig>,
    name: &Path,
    kind: Option<&str>,
    protocol: Option<&str>,
) -> PyResult<SourceOptions> {
    let mut options = config.map_or_else(SourceOptions::default, |c| c.config.source_options(name));
    if let Some(kind) = kind {
        options.kind = Some(Kind::from_name(kind).ok_or_else(|| {
            let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
            IdplintError::new_err(format!(
                "unknown kind `{kind}`: expected one of {}",
                names.join(", ")
            ))
        })?);
    }
    if let Some(protocol) = protocol {
        let names = Protocol::ALL.map(Protocol::name);
        if !names.contains(&protocol) {
            return Err(IdplintError::new_err(format!(
                "unknown protocol `{protocol}`: expected one of {}",
                names.join(", ")
            )));
        }
        options.protocol = Some(protocol.to_string());
    }
    Ok(options)
}

fn linter_of(config: Option<&PyConfig>) -> &Linter {
    match config {
        Some(config) => &config.linter,
        None => default_linter(),
    }
}

/// Lints a body held in memory, named `filename` (its extension says
/// whether it is a container: `.md`, `.sh`, `.http`, a Postman collection).
#[pyfunction]
#[pyo3(signature = (body, *, filename = "payload.json", kind = None, protocol = None, config = None))]
fn lint<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
    filename: &str,
    kind: Option<&str>,
    protocol: Option<&str>,
    config: Option<&PyConfig>,
) -> PyResult<Bound<'py, PyDict>> {
    let body = Body::extract(body)?;
    let options = source_options(config, Path::new(filename), kind, protocol)?;
    let linter = linter_of(config);
    let report = py.detach(|| linter.lint_bytes(filename, body.bytes(), &options));
    report_dict(py, &report)
}

/// Lints the file at `path`.
#[pyfunction]
#[pyo3(signature = (path, *, kind = None, protocol = None, config = None))]
fn lint_file<'py>(
    py: Python<'py>,
    path: PathBuf,
    kind: Option<&str>,
    protocol: Option<&str>,
    config: Option<&PyConfig>,
) -> PyResult<Bound<'py, PyDict>> {
    let options = source_options(config, &path, kind, protocol)?;
    let linter = linter_of(config);
    let report = py.detach(|| linter.lint_file(&path, &options));
    report_dict(py, &report)
}

/// The report as a dictionary of the `Report` dataclass's fields; a file
/// that could not be linted is an [`IdplintError`].
fn report_dict<'py>(py: Python<'py>, report: &FileReport) -> PyResult<Bound<'py, PyDict>> {
    if let Some(error) = &report.error {
        return Err(IdplintError::new_err(format!("{}: {error}", report.path)));
    }
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| diagnostic_dict(py, d))
        .collect::<PyResult<Vec<_>>>()?;
    let dict = PyDict::new(py);
    dict.set_item("path", &report.path)?;
    dict.set_item("kind", report.kind.map(Kind::name))?;
    dict.set_item("container", report.container.map(|c| c.name()))?;
    dict.set_item("payloads", report.payloads)?;
    dict.set_item("skipped", report.skipped.as_deref())?;
    dict.set_item("diagnostics", PyList::new(py, diagnostics)?)?;
    Ok(dict)
}

/// A finding as a dictionary of the `Diagnostic` dataclass's fields.
fn diagnostic_dict<'py>(py: Python<'py>, d: &Diagnostic) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("code", d.code)?;
    dict.set_item("name", d.name)?;
    dict.set_item("severity", d.severity.as_str())?;
    dict.set_item("message", &d.message)?;
    dict.set_item("help", d.help.as_deref())?;
    dict.set_item("pointer", &d.pointer)?;
    dict.set_item("line", d.start.line)?;
    dict.set_item("column", d.start.column)?;
    dict.set_item("end_line", d.end.line)?;
    dict.set_item("end_column", d.end.column)?;
    dict.set_item("offset", d.span.offset)?;
    dict.set_item("length", d.span.length)?;
    dict.set_item("fixable", d.fixable)?;
    dict.set_item("request", d.request.as_ref().map(|r| r.index))?;
    Ok(dict)
}

/// The rule catalogue: a dictionary of the `Rule` dataclass's fields per rule.
#[pyfunction]
fn rules(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let entries = idplint::rules()
        .map(|rule| {
            let dict = PyDict::new(py);
            dict.set_item("code", rule.code())?;
            dict.set_item("name", rule.name())?;
            dict.set_item("severity", rule.severity().as_str())?;
            let kinds: Vec<&str> = rule.kinds().iter().map(|k| k.name()).collect();
            dict.set_item("kinds", kinds)?;
            dict.set_item("summary", rule.summary())?;
            dict.set_item("docs", rule.docs())?;
            Ok(dict)
        })
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, entries)
}

#[pymodule]
fn _idplint(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("IdplintError", m.py().get_type::<IdplintError>())?;
    m.add_class::<PyConfig>()?;
    m.add_function(wrap_pyfunction!(lint, m)?)?;
    m.add_function(wrap_pyfunction!(lint_file, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add("KINDS", PyTuple::new(m.py(), Kind::ALL.map(Kind::name))?)?;
    m.add(
        "PROTOCOLS",
        PyTuple::new(m.py(), Protocol::ALL.map(Protocol::name))?,
    )?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
