//! MLflow's REST calls, each bounded in time (connect and whole request).

use std::time::Duration;

use serde_json::Value;

use super::endpoint::Endpoint;
use super::Error;

/// A client of one tracking server.
pub struct Client {
    endpoint: Endpoint,
    agent: ureq::Agent,
}

impl Client {
    /// A client whose every request ends within `timeout`.
    pub fn new(endpoint: Endpoint, timeout: Duration) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(timeout.min(Duration::from_secs(5))))
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(format!("wasmprep/{}", crate::version::VERSION))
            .build()
            .into();
        Client { endpoint, agent }
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// POSTs a JSON body to a REST call, returning the JSON answer.
    pub fn post(&self, call: &str, body: &Value) -> Result<Value, Error> {
        let url = self.endpoint.api(call);
        let request = self.authorized(self.agent.post(&url));
        let response = request
            .content_type("application/json")
            .send(body.to_string())
            .map_err(|e| Error::Transport(format!("{call}: {e}")))?;
        answer(call, response)
    }

    /// GETs a REST call with query parameters.
    pub fn get(&self, call: &str, query: &[(&str, &str)]) -> Result<Value, Error> {
        let url = self.endpoint.api(call);
        let mut request = self.authorized(self.agent.get(&url));
        for (k, v) in query {
            request = request.query(*k, *v);
        }
        let response = request
            .call()
            .map_err(|e| Error::Transport(format!("{call}: {e}")))?;
        answer(call, response)
    }

    /// PUTs bytes at a path under the server's base (proxied artifacts).
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        let url = format!("{}/{}", self.endpoint.base, path.trim_start_matches('/'));
        let response = self
            .authorized(self.agent.put(&url))
            .content_type("application/octet-stream")
            .send(bytes)
            .map_err(|e| Error::Transport(format!("{path}: {e}")))?;
        answer(path, response).map(|_| ())
    }

    fn authorized<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.endpoint.authorization {
            Some(value) => request.header("Authorization", value),
            None => request,
        }
    }
}

/// The JSON of a 2xx answer, or the server's error.
fn answer(call: &str, mut response: ureq::http::Response<ureq::Body>) -> Result<Value, Error> {
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| Error::Transport(format!("{call}: {e}")))?;
    if !(200..300).contains(&status) {
        return Err(Error::Server {
            call: call.to_string(),
            status,
            message: text.chars().take(300).collect(),
        });
    }
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&text).map_err(|e| Error::Server {
        call: call.to_string(),
        status,
        message: format!("not JSON: {e}"),
    })
}
