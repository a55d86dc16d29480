//! Where an MLflow tracking server's REST API is, from the environment
//! MLflow's own clients read (`MLFLOW_TRACKING_URI`, `MLFLOW_TRACKING_TOKEN`,
//! `MLFLOW_TRACKING_USERNAME` / `_PASSWORD`), and how to authenticate.
//! Azure ML sets an `azureml://` URI and a token in every job: its REST API
//! is the same path over https.

use base64::Engine;

use super::Error;

/// A tracking server's REST base and credentials.
#[derive(Clone)]
pub struct Endpoint {
    /// `https://host/path`, no trailing slash, no user info.
    pub base: String,
    /// The `Authorization` header, if any (never shown).
    pub(crate) authorization: Option<String>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("base", &self.base)
            .field("authorization", &self.authorization.as_ref().map(|_| "…"))
            .finish()
    }
}

impl Endpoint {
    /// The endpoint the environment names: `Ok(None)` without
    /// `MLFLOW_TRACKING_URI`; an error for a URI that is not a REST server
    /// (a local `mlruns` directory, `databricks`, a database).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Option<Endpoint>, Error> {
        let Some(uri) = var("MLFLOW_TRACKING_URI").filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let (base, userinfo) = rest_base(uri.trim())?;
        let authorization = if let Some(token) = var("MLFLOW_TRACKING_TOKEN") {
            Some(format!("Bearer {token}"))
        } else if let Some(user) = var("MLFLOW_TRACKING_USERNAME") {
            let password = var("MLFLOW_TRACKING_PASSWORD").unwrap_or_default();
            Some(basic(&format!("{user}:{password}")))
        } else {
            userinfo.map(|u| basic(&u))
        };
        Ok(Some(Endpoint {
            base,
            authorization,
        }))
    }

    /// The URL of a REST call (`runs/log-batch`).
    pub fn api(&self, call: &str) -> String {
        format!("{}/api/2.0/mlflow/{call}", self.base)
    }
}

fn basic(credentials: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    )
}

/// The https base of a tracking URI, and user info it carried.
fn rest_base(uri: &str) -> Result<(String, Option<String>), Error> {
    let (scheme, rest) = uri.split_once("://").ok_or_else(|| not_rest(uri))?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" => "http",
        "https" | "azureml" => "https",
        _ => return Err(not_rest(uri)),
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u.to_string()), h),
        None => (None, authority),
    };
    if host.is_empty() {
        return Err(not_rest(uri));
    }
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/');
    let base = if path.is_empty() {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}/{path}")
    };
    Ok((base, userinfo))
}

fn not_rest(uri: &str) -> Error {
    Error::Config(format!(
        "MLFLOW_TRACKING_URI {uri:?} is not a tracking server wasmprep can reach: it logs to \
         http(s):// and azureml:// servers (start one with `mlflow server`)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(vars: &[(&str, &str)]) -> Result<Option<Endpoint>, Error> {
        Endpoint::from_env(|k| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn azure_ml_uris_are_their_https_rest_base_with_the_token() {
        let uri =
            "azureml://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/g/\
                   providers/Microsoft.MachineLearningServices/workspaces/w";
        let e = endpoint(&[
            ("MLFLOW_TRACKING_URI", uri),
            ("MLFLOW_TRACKING_TOKEN", "t0k"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            e.api("runs/log-batch"),
            "https://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/g/\
             providers/Microsoft.MachineLearningServices/workspaces/w/api/2.0/mlflow/runs/log-batch"
        );
        assert_eq!(e.authorization.as_deref(), Some("Bearer t0k"));
        assert!(!format!("{e:?}").contains("t0k"), "never shown");
    }

    #[test]
    fn plain_servers_work_as_is_and_others_are_refused() {
        let e = endpoint(&[("MLFLOW_TRACKING_URI", "http://u:p@127.0.0.1:5000/")])
            .unwrap()
            .unwrap();
        assert_eq!(e.base, "http://127.0.0.1:5000");
        assert_eq!(e.authorization.as_deref(), Some("Basic dTpw"));
        assert!(endpoint(&[]).unwrap().is_none());
        for uri in [
            "file:///tmp/mlruns",
            "./mlruns",
            "databricks",
            "sqlite:///m.db",
            "http://",
        ] {
            let err = endpoint(&[("MLFLOW_TRACKING_URI", uri)]).unwrap_err();
            assert!(
                err.to_string().contains("not a tracking server"),
                "{uri}: {err}"
            );
        }
    }
}
