//! Every example plugin's golden cases pass in the production sandbox, and
//! a mismatch is reported by column, row and value.

use wasmprep::golden::{discover, Difference, Outcome};
use wasmprep_artifacts::ALL;

#[test]
fn every_example_plugin_passes_its_golden_cases() {
    let sandbox = crate::sandbox();
    let mut ran = 0;
    for artifact in ALL {
        let Some(cases) = artifact.cases else {
            continue;
        };
        let cases = discover(cases.as_ref()).unwrap();
        assert!(!cases.is_empty(), "{} has no cases", artifact.name);
        for case in cases {
            match case.run(&sandbox, artifact.wasm.as_ref(), false) {
                Ok(Outcome::Passed) => ran += 1,
                other => panic!("{} / {}: {other:?}", artifact.name, case.name),
            }
        }
    }
    // taxi-clean, taxi-features, haversine and c-stdio (C), cpp-kit (C++)
    // and tip-ratio (Python).
    let languages: std::collections::BTreeSet<_> = ALL
        .iter()
        .filter(|a| a.cases.is_some())
        .map(|a| a.language)
        .collect();
    assert_eq!(
        languages.into_iter().collect::<Vec<_>>(),
        ["c", "c++", "python", "rust"]
    );
    assert!(ran >= 12, "only {ran} cases ran");
}

#[test]
fn a_wrong_expected_value_is_reported_with_column_row_and_values() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    std::fs::create_dir(&case).unwrap();
    std::fs::write(
        case.join("input.csv"),
        "tip_amount:float32,fare_amount:float32\n1,4\n3,0\n",
    )
    .unwrap();
    std::fs::write(
        case.join("expected.csv"),
        "tip_amount:float32,fare_amount:float32,tip_ratio:float32\n1,4,0.5\n3,0,\n",
    )
    .unwrap();
    let cases = discover(dir.path()).unwrap();
    let outcome = cases[0]
        .run(
            &crate::sandbox(),
            wasmprep_artifacts::TIP_RATIO.as_ref(),
            false,
        )
        .unwrap();
    let Outcome::Mismatch(diffs) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(
        diffs,
        vec![Difference::Value {
            column: "tip_ratio".into(),
            row: 0,
            expected: "0.5".into(),
            got: "0.25".into()
        }]
    );
}

#[test]
fn bless_records_the_output_and_then_passes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("input.csv"), "x:int64\n1\n2\n").unwrap();
    let case = &discover(dir.path()).unwrap()[0];
    let sandbox = crate::sandbox();
    let passthrough = wasmprep_artifacts::PASSTHROUGH.as_ref();
    std::fs::write(dir.path().join("case.toml"), "[config]\ncolumns = \"x\"\n").unwrap();
    assert!(case
        .run(&sandbox, passthrough, false)
        .unwrap_err()
        .contains("--bless"));
    assert!(matches!(
        case.run(&sandbox, passthrough, true).unwrap(),
        Outcome::Blessed
    ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("expected.csv")).unwrap(),
        "x:int64\n1\n2\n"
    );
    assert!(matches!(
        case.run(&sandbox, passthrough, false).unwrap(),
        Outcome::Passed
    ));
}

/// logs.txt lists every message the plugin logs: another message is a
/// mismatch showing both lists, and --bless records what was logged.
#[test]
fn a_case_checks_the_plugins_log_when_it_has_logs_txt() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("input.csv"),
        "tip_amount:float32,fare_amount:float32\n1,4\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("expected.csv"),
        "tip_amount:float32,fare_amount:float32,tip_ratio:float32\n1,4,0.25\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("logs.txt"), "info: something else\n").unwrap();
    let case = &discover(dir.path()).unwrap()[0];
    let (sandbox, tip_ratio) = (crate::sandbox(), wasmprep_artifacts::TIP_RATIO.as_ref());
    let logged = vec!["debug: tip-ratio writes `tip_ratio`".to_string()];
    match case.run(&sandbox, tip_ratio, false).unwrap() {
        Outcome::WrongLogs { expected, got } => {
            assert_eq!(expected, ["info: something else"]);
            assert_eq!(got, logged);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        case.run(&sandbox, tip_ratio, true).unwrap(),
        Outcome::Blessed
    ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("logs.txt")).unwrap(),
        "debug: tip-ratio writes `tip_ratio`\n"
    );
    assert!(matches!(
        case.run(&sandbox, tip_ratio, false).unwrap(),
        Outcome::Passed
    ));
}
