//! The Python reference testee (`conformance/testees/python`) inside this
//! process: CPython embedded through PyO3, its `testee.Server` answering the
//! same requests the pipe protocol carries, as a function call. Its codecs
//! (CPython's `pickle`, `struct` and `json`, msgpack-python, cbor2, upb) are
//! then cheap enough to consult on every fuzz input, which the child process
//! (a pipe round trip and two JSON documents per call, plus hex) is not.
//!
//! What the process boundary gave and this does not: a crash, a hang or an
//! allocation the reference makes is crossfmt's own. The Python side bounds
//! what it can (its `SafeUnpickler` imports nothing; `MemoryError` and
//! `RecursionError` are answered as `limit`), and crossfmt consults the
//! reference only on inputs of fuzz size. A run that must survive anything a
//! reference does uses the process testee.
//!
//! One interpreter serves the process: [`Server::start`] imports the testee
//! once and hands every caller the same server. Google's pure-Python backend
//! (`--pure-python`) is chosen at import, so it is a process testee only.

use super::{Exchange, IN_PROCESS_PYTHON};
use crossfmt_value::{CodecError, ErrorKind};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde_json::{json, Value as Json};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Where the reference testee's code and its venv are.
#[derive(Clone, Debug)]
pub struct Setup {
    /// The directory holding `testee.py` and its modules.
    pub testee_dir: PathBuf,
    /// The venv its `setup` script made (`CROSSFMT_PYREF`, else
    /// `target/pyref` in a checkout), whose site-packages hold the pinned
    /// msgpack, cbor2 and protobuf.
    pub venv: PathBuf,
}

impl Setup {
    /// The packaged testee (crossfmt-data's `conformance/testees/python`),
    /// its venv set up (or checked current) by its own `setup` script, and
    /// located as its `venv.sh` says.
    pub fn prepared() -> Result<Setup, String> {
        let testee_dir = crossfmt_data::prepare_python_reference()?;
        let venv = crossfmt_data::python_reference_venv()?;
        Ok(Setup { testee_dir, venv })
    }

    /// The packaged testee and its venv, without running `setup`: `None`
    /// when the venv has not been made (a fuzz binary that must not install
    /// anything uses the reference only where it already is).
    pub fn existing() -> Option<Setup> {
        let testee_dir = crossfmt_data::conformance().join("testees/python");
        let venv = crossfmt_data::python_reference_venv().ok()?;
        venv.join("pyvenv.cfg")
            .is_file()
            .then_some(Setup { testee_dir, venv })
    }
}

/// The testee's `Server.respond`, in this process.
pub struct Server {
    respond: Py<PyAny>,
}

/// The one server of this process, or why it could not start.
type Started = Result<(Arc<Server>, Json), String>;

impl Server {
    /// Imports the testee from `setup` (the first call; later calls return
    /// the same server, whatever their `setup`) and exchanges the hello.
    pub fn start(setup: &Setup) -> Result<(Arc<Server>, Json), String> {
        static STARTED: OnceLock<Started> = OnceLock::new();
        STARTED
            .get_or_init(|| {
                let server = Arc::new(Server {
                    respond: import(setup).map_err(|e| {
                        format!(
                            "testee `{IN_PROCESS_PYTHON}`: importing {}/testee.py with {}: {e}",
                            setup.testee_dir.display(),
                            setup.venv.display()
                        )
                    })?,
                });
                let hello = server
                    .call(&json!({ "op": "hello", "protocol": 1 }))
                    .map_err(|e| format!("testee `{IN_PROCESS_PYTHON}`: hello: {e}"))?;
                Ok((server, hello))
            })
            .clone()
    }

    /// One request, one response, as the pipe protocol's JSON.
    fn call(&self, request: &Json) -> Result<Json, String> {
        let body = serde_json::to_vec(request).map_err(|e| e.to_string())?;
        let answer = Python::with_gil(|py| -> PyResult<Vec<u8>> {
            let out = self.respond.call1(py, (PyBytes::new(py, &body),))?;
            Ok(out.downcast_bound::<PyBytes>(py)?.as_bytes().to_vec())
        })
        .map_err(|e| format!("Server.respond raised {e}"))?;
        super::wire::response(&answer).map_err(|e| format!("response is not JSON: {e}"))
    }
}

/// `testee.Server().respond`, with the venv's site-packages and the testee's
/// directory on `sys.path`.
fn import(setup: &Setup) -> PyResult<Py<PyAny>> {
    Python::with_gil(|py| {
        let sys = py.import("sys")?;
        let version = sys.getattr("version_info")?;
        let (major, minor): (u32, u32) = (
            version.getattr("major")?.extract()?,
            version.getattr("minor")?.extract()?,
        );
        let site_packages = setup
            .venv
            .join(format!("lib/python{major}.{minor}/site-packages"));
        // addsitedir, not a bare path entry: it also reads the packages'
        // `.pth` files, as the venv's own interpreter would.
        py.import("site")?
            .call_method1("addsitedir", (site_packages.display().to_string(),))?;
        sys.getattr("path")?
            .call_method1("insert", (0, setup.testee_dir.display().to_string()))?;
        // An embedded interpreter has no argv; the testee reads its flags
        // from it.
        sys.setattr("argv", vec!["testee.py"])?;
        let server = py.import("testee")?.getattr("Server")?.call0()?;
        Ok(server.getattr("respond")?.unbind())
    })
}

impl Exchange for Server {
    fn command(&self) -> &str {
        IN_PROCESS_PYTHON
    }

    fn exchange(
        &self,
        request: &Json,
        read: &mut dyn FnMut(&Json) -> Result<(), String>,
    ) -> Result<(), CodecError> {
        let broke = |why: String| {
            CodecError::failure(ErrorKind::Crashed, format!("{IN_PROCESS_PYTHON}: {why}"))
        };
        let response = self.call(request).map_err(broke)?;
        read(&response).map_err(broke)
    }
}
