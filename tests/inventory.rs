//! The application inventory through the library API: the runbook's inventory file, ecosystem
//! files as people write them, inference from process names, and the precedence between them.

use std::path::{Path, PathBuf};

use postmortem::inventory::{
    Application, EcosystemApp, Environment, Instances, Inventory, InventoryError, InventorySource,
};

fn sample_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/inventory.toml")
}

fn sample() -> Inventory {
    let path = sample_path();
    let text = std::fs::read_to_string(&path).expect("samples/inventory.toml");
    Inventory::from_toml(&text, &path).expect("the sample inventory parses")
}

fn names(inv: &Inventory) -> Vec<(String, Environment)> {
    inv.applications.iter().map(|a| (a.name.clone(), a.environment.clone())).collect()
}

fn app_of<'a>(inv: &'a Inventory, process: &str) -> Option<(&'a str, &'a Environment)> {
    inv.application_of(process).map(|a| (a.name.as_str(), &a.environment))
}

#[test]
fn runbook_inventory_file() {
    let inv = sample();
    assert_eq!(inv.source, InventorySource::File(sample_path()));
    assert_eq!(
        names(&inv),
        [
            ("flyer-crawler".to_string(), Environment::Production),
            ("stock-alert".to_string(), Environment::Production),
            ("flyer-crawler".to_string(), Environment::Test),
        ]
    );
    let prod = &inv.applications[0];
    assert_eq!(
        prod.processes,
        ["flyer-crawler-api", "flyer-crawler-worker", "flyer-crawler-analytics-worker"]
    );
    assert_eq!(prod.directory.as_deref(), Some("/var/www/flyer-crawler.projectium.com"));
    assert_eq!(prod.config.as_deref(), Some("ecosystem.config.cjs"));
    assert_eq!(prod.site.as_deref(), Some("https://flyer-crawler.projectium.com"));
    assert_eq!(prod.health.as_deref(), Some("http://localhost:3001/api/health/ready"));
    assert_eq!(prod.priority, Some(1));
    assert_eq!(prod.source, InventorySource::File(sample_path()));
    let test = &inv.applications[2];
    assert_eq!(test.config.as_deref(), Some("ecosystem-test.config.cjs"));
    assert_eq!(test.directory.as_deref(), Some("/var/www/flyer-crawler-test.projectium.com"));
    assert_eq!(test.health.as_deref(), Some("http://localhost:3002/api/health/ready"));
    assert_eq!(inv.applications[1].config, None, "the runbook says the stock-alert config varies");

    // Every process of the runbook's restoration table, in its priority order, maps to an
    // application whose priority never goes down.
    let table = [
        "flyer-crawler-api",
        "flyer-crawler-worker",
        "flyer-crawler-analytics-worker",
        "stock-alert-api",
        "flyer-crawler-api-test",
        "flyer-crawler-worker-test",
        "flyer-crawler-analytics-worker-test",
    ];
    let priorities: Vec<u32> =
        table.iter().map(|p| inv.application_of(p).and_then(|a| a.priority).expect(p)).collect();
    assert!(priorities.windows(2).all(|w| w[0] <= w[1]), "{priorities:?}");
    assert_eq!(app_of(&inv, "flyer-crawler-worker-test"), Some(("flyer-crawler", &Environment::Test)));
    assert_eq!(app_of(&inv, "stock-alert-scraper"), Some(("stock-alert", &Environment::Production)));
    assert_eq!(app_of(&inv, "stock-alert"), None, "the glob needs the dash");
    assert_eq!(app_of(&inv, "pm2-logrotate"), None);
}

#[test]
fn bad_toml_says_where_and_what_to_do() {
    let path = Path::new("inv.toml");
    let err = Inventory::from_toml("[[application]]\nname = \"a\"\nprocesses = [\"x\"\n", path).unwrap_err();
    let InventoryError::Toml { line, .. } = &err else { panic!("{err:?}") };
    assert!(*line >= 3, "{err}");
    let msg = err.to_string();
    assert!(msg.starts_with("inv.toml:"), "{msg}");
    assert!(msg.contains("fix the file"), "{msg}");

    let err = Inventory::from_toml("[[application]]\nname = \"a\"\nprocesses = [\"x\"]\nprority = 1\n", path)
        .unwrap_err();
    assert!(matches!(err, InventoryError::Toml { line: 4, column: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("prority"), "{err}");

    let err =
        Inventory::from_toml("[[application]]\nname = \"a\"\nprocesses = [\"x\"]\npriority = -1\n", path)
            .unwrap_err();
    assert!(matches!(err, InventoryError::Toml { line: 4, .. }), "{err:?}");

    let err = Inventory::from_toml("[[application]]\nname = \"a\"\nprocesses = []\n", path).unwrap_err();
    assert!(matches!(err, InventoryError::Invalid { .. }), "{err:?}");
    assert!(err.to_string().contains("processes = [...]"), "{err}");

    let twice = "[[application]]\nname = \"a\"\nprocesses = [\"x\"]\n[[application]]\nname = \"a\"\nprocesses = [\"y\"]\n";
    let err = Inventory::from_toml(twice, path).unwrap_err();
    assert!(err.to_string().contains("listed twice"), "{err}");

    let err = Inventory::from_toml("[[application]]\nprocesses = [\"x\"]\n", path).unwrap_err();
    assert!(err.to_string().contains("name"), "{err}");

    // No applications at all is an empty inventory, not an error.
    assert!(Inventory::from_toml("# nothing yet\n", path).unwrap().applications.is_empty());
}

#[test]
fn toml_defaults_other_environments_and_order() {
    let text = r#"
        [[application]]
        name = "zeta"
        processes = ["zeta"]

        [[application]]
        name = "beta"
        environment = "Staging"
        processes = ["beta-*"]

        [[application]]
        name = "beta"
        environment = "PROD"
        processes = ["beta-api", "beta-api"]

        [[application]]
        name = "alpha"
        processes = ["alpha"]
        priority = 7
    "#;
    let inv = Inventory::from_toml(text, Path::new("x.toml")).unwrap();
    assert_eq!(
        names(&inv),
        [
            ("alpha".to_string(), Environment::Production),
            ("beta".to_string(), Environment::Production),
            ("beta".to_string(), Environment::Other("Staging".into())),
            ("zeta".to_string(), Environment::Production),
        ]
    );
    assert_eq!(inv.applications[1].processes, ["beta-api"]);
    // The exact name beats the glob of another application.
    assert_eq!(app_of(&inv, "beta-api"), Some(("beta", &Environment::Production)));
    assert_eq!(app_of(&inv, "beta-worker"), Some(("beta", &Environment::Other("Staging".into()))));
}

#[test]
fn most_specific_glob_wins() {
    let text = r#"
        [[application]]
        name = "stock-alert"
        processes = ["stock-alert-*"]
        priority = 1

        [[application]]
        name = "stock-alert"
        environment = "test"
        processes = ["stock-alert-*-test"]
        priority = 2
    "#;
    let inv = Inventory::from_toml(text, Path::new("x.toml")).unwrap();
    assert_eq!(app_of(&inv, "stock-alert-api"), Some(("stock-alert", &Environment::Production)));
    assert_eq!(app_of(&inv, "stock-alert-api-test"), Some(("stock-alert", &Environment::Test)));
}

const PROD_CJS: &str = r#"// PM2 ecosystem for flyer-crawler (production)
/* eslint-disable */
const path = require('path');

const sharedEnv = {
  NODE_ENV: 'production',
};

module.exports = {
  apps: [
    {
      name: 'flyer-crawler-api',
      script: './node_modules/.bin/tsx',
      args: 'server.ts',
      cwd: '/var/www/flyer-crawler.projectium.com',
      exec_mode: 'cluster_mode',
      instances: 'max',
      max_memory_restart: '1G',
      env: { ...sharedEnv, PORT: 3001, DB_URL: process.env.DB_URL || "postgres://localhost/x" },
      env_test: { NODE_ENV: "test", nested: { deep: [1, 2, { a: `x` }] } },
      // kill_timeout: 3000,
    },
    {
      name: "flyer-crawler-worker",
      script: "./node_modules/.bin/tsx",
      args: ["src/services/worker.ts"],
      cwd: '/var/www/flyer-crawler.projectium.com',
      instances: 1,
      max_memory_restart: "512M",
      env: sharedEnv,
      log_file: path.join(__dirname, 'logs', `worker.log`),
    },
    {
      name: `flyer-crawler-analytics-worker`,
      script: './node_modules/.bin/tsx',
      cwd: '/var/www/flyer-crawler.projectium.com',
      exec_mode: 'fork',
      instances: -1,
      max_memory_restart: 1073741824,
      cron_restart: '0 3 * * *',
    },
  ],
  deploy: {
    production: { user: 'deploy', host: ['projectium'], 'post-deploy': 'npm ci && pm2 reload ecosystem.config.cjs' },
  },
};
"#;

#[test]
fn commonjs_ecosystem() {
    let path = Path::new("bundle/var/www/flyer-crawler.projectium.com/ecosystem.config.cjs");
    let app = Inventory::from_ecosystem(PROD_CJS, path).unwrap();
    assert_eq!(app.name, "flyer-crawler");
    assert_eq!(app.environment, Environment::Production);
    assert_eq!(
        app.processes,
        ["flyer-crawler-api", "flyer-crawler-worker", "flyer-crawler-analytics-worker"]
    );
    assert_eq!(app.directory.as_deref(), Some("/var/www/flyer-crawler.projectium.com"));
    assert_eq!(app.config.as_deref(), Some("ecosystem.config.cjs"));
    assert_eq!(app.source, InventorySource::Ecosystem(path.to_path_buf()));
    assert_eq!((app.site.as_deref(), app.health.as_deref(), app.priority), (None, None, None));
    assert_eq!(
        app.apps[0],
        EcosystemApp {
            name: "flyer-crawler-api".into(),
            script: Some("./node_modules/.bin/tsx".into()),
            cwd: Some("/var/www/flyer-crawler.projectium.com".into()),
            exec_mode: Some("cluster".into()),
            instances: Some(Instances::Max),
            max_memory_restart: Some(1 << 30),
        }
    );
    assert_eq!(app.apps[1].instances, Some(Instances::Count(1)));
    assert_eq!(app.apps[1].max_memory_restart, Some(512 << 20));
    assert_eq!(app.apps[1].exec_mode, None);
    assert_eq!(app.apps[2].exec_mode.as_deref(), Some("fork"));
    assert_eq!(app.apps[2].instances, Some(Instances::MaxMinus(1)));
    assert_eq!(app.apps[2].max_memory_restart, Some(1 << 30));
}

#[test]
fn test_ecosystem_by_file_name_and_by_app_names() {
    let text = PROD_CJS.replace("flyer-crawler.projectium.com", "flyer-crawler-test.projectium.com");
    let app = Inventory::from_ecosystem(&text, Path::new("ecosystem-test.config.cjs")).unwrap();
    assert_eq!((app.name.as_str(), &app.environment), ("flyer-crawler", &Environment::Test));
    assert_eq!(app.directory.as_deref(), Some("/var/www/flyer-crawler-test.projectium.com"));

    let text = PROD_CJS
        .replace("flyer-crawler-api'", "flyer-crawler-api-test'")
        .replace("flyer-crawler-worker\"", "flyer-crawler-worker-test\"")
        .replace("flyer-crawler-analytics-worker`", "flyer-crawler-analytics-worker-test`")
        .replace(
            "cwd: '/var/www/flyer-crawler.projectium.com',\n      exec_mode: 'fork'",
            "exec_mode: 'fork'",
        );
    let app = Inventory::from_ecosystem(&text, Path::new("ecosystem.config.cjs")).unwrap();
    assert_eq!((app.name.as_str(), &app.environment), ("flyer-crawler", &Environment::Test));
    assert_eq!(
        app.processes,
        ["flyer-crawler-api-test", "flyer-crawler-worker-test", "flyer-crawler-analytics-worker-test"]
    );
    assert_eq!(app.directory, None, "the apps do not share one cwd");
}

#[test]
fn esm_and_json_ecosystems() {
    let mjs = "/** @type {import('pm2').Ecosystem} */\nexport default {\n  apps: [\n    { name: 'stock-alert-api', \
               script: 'dist/index.js', instances: 2, exec_mode: 'cluster' },\n    { name: 'stock-alert-scraper', \
               script: 'dist/scraper.js' },\n  ],\n};\n";
    let app = Inventory::from_ecosystem(mjs, Path::new("ecosystem.config.mjs")).unwrap();
    assert_eq!(app.name, "stock-alert");
    assert_eq!(app.environment, Environment::Production);
    assert_eq!(app.processes, ["stock-alert-api", "stock-alert-scraper"]);
    assert_eq!(app.apps[0].instances, Some(Instances::Count(2)));
    assert_eq!(app.directory, None);

    let json = r#"{"apps": [{"name": "billing-api", "script": "server.js", "cwd": "/srv/billing",
                   "instances": "max", "max_memory_restart": "300M", "env": {"PORT": 4000}}]}"#;
    let app = Inventory::from_ecosystem(json, Path::new("ecosystem.config.json")).unwrap();
    assert_eq!((app.name.as_str(), app.directory.as_deref()), ("billing", Some("/srv/billing")));
    assert_eq!(app.apps[0].max_memory_restart, Some(300 << 20));

    // The old processes.json form: a bare array; a missing name is the script's base name.
    let bare = r#"[{"script": "/srv/mailer/bin/mailer.js"}, {"name": "mailer-worker", "script": "w.js"}]"#;
    let app = Inventory::from_ecosystem(bare, Path::new("ecosystem.config.json")).unwrap();
    assert_eq!(app.processes, ["mailer", "mailer-worker"]);
    assert_eq!(app.name, "mailer");

    // Apps sharing no name prefix: the first app's name.
    let app = Inventory::from_ecosystem(
        "module.exports = {apps: [{name: 'web'}, {name: 'cron'}]}",
        Path::new("e.js"),
    )
    .unwrap();
    assert_eq!(app.name, "web");
}

#[test]
fn unreadable_ecosystems_say_what_to_do() {
    for text in ["module.exports = require('./apps.json');", "", "module.exports = { apps: [ 'x' ] }"] {
        let err = Inventory::from_ecosystem(text, Path::new("ecosystem.config.js")).unwrap_err();
        assert!(matches!(err, InventoryError::Ecosystem { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.starts_with("ecosystem.config.js: ") && msg.contains("inventory file"), "{msg}");
    }
}

#[test]
fn inference_rules() {
    let inv = Inventory::infer(&[
        "flyer-crawler-worker",
        "pm2-logrotate",
        "flyer-crawler-analytics-worker",
        "flyer-crawler-api",
        "flyer-crawler-api-test",
        "flyer-crawler-worker-test",
        "stock-alert-api",
        "legacy",
        "flyer-crawler-api",
        "pm2-server-monit",
    ]);
    assert_eq!(inv.source, InventorySource::Inferred);
    assert_eq!(
        names(&inv),
        [
            ("flyer-crawler".to_string(), Environment::Production),
            ("flyer-crawler".to_string(), Environment::Test),
            ("legacy".to_string(), Environment::Production),
            ("stock-alert".to_string(), Environment::Production),
        ]
    );
    assert_eq!(
        inv.applications[0].processes,
        ["flyer-crawler-api", "flyer-crawler-worker", "flyer-crawler-analytics-worker"]
    );
    assert_eq!(inv.applications[1].processes, ["flyer-crawler-api-test", "flyer-crawler-worker-test"]);
    assert!(inv.applications.iter().all(|a| a.source == InventorySource::Inferred && a.priority.is_none()));
    assert!(Inventory::is_tooling("pm2-logrotate"));
    assert!(!Inventory::is_tooling("flyer-crawler-api"));
    assert_eq!(app_of(&inv, "pm2-logrotate"), None);
    assert_eq!(app_of(&inv, "legacy"), Some(("legacy", &Environment::Production)));
    assert!(Inventory::infer(&[]).applications.is_empty());
}

#[test]
fn resolve_precedence() {
    let file = sample();
    let cjs = Inventory::from_ecosystem(PROD_CJS, Path::new("b/ecosystem.config.cjs")).unwrap();
    let billing = Inventory::from_ecosystem(
        "module.exports = { apps: [{ name: 'billing-api' }, { name: 'stock-alert-api' }] }",
        Path::new("a/ecosystem.config.js"),
    )
    .unwrap();
    let seen =
        ["flyer-crawler-api", "stock-alert-api", "billing-api", "orphan", "pm2-logrotate", "cache-worker"];
    let inv = Inventory::resolve(Some(file), vec![cjs.clone(), billing.clone(), cjs.clone()], &seen);
    assert_eq!(inv.source, InventorySource::File(sample_path()));

    // The file's applications all stay, even without seen processes.
    let sources: Vec<(&str, &Environment, &InventorySource)> =
        inv.applications.iter().map(|a| (a.name.as_str(), &a.environment, &a.source)).collect();
    assert_eq!(
        sources,
        [
            ("flyer-crawler", &Environment::Production, &InventorySource::File(sample_path())),
            ("stock-alert", &Environment::Production, &InventorySource::File(sample_path())),
            ("flyer-crawler", &Environment::Test, &InventorySource::File(sample_path())),
            (
                "billing",
                &Environment::Production,
                &InventorySource::Ecosystem("a/ecosystem.config.js".into())
            ),
            ("cache", &Environment::Production, &InventorySource::Inferred),
            ("orphan", &Environment::Production, &InventorySource::Inferred),
        ]
    );
    // The ecosystem application keeps only what the file does not cover.
    let billing_app: &Application = &inv.applications[3];
    assert_eq!(billing_app.processes, ["billing-api"]);
    assert_eq!(billing_app.apps.len(), 1);
    assert_eq!(inv.application_of("stock-alert-api").unwrap().source, InventorySource::File(sample_path()));

    // Without a file: ecosystems first (a duplicate counts once), then inference.
    let inv =
        Inventory::resolve(None, vec![cjs.clone(), cjs], &["flyer-crawler-api", "flyer-crawler-api-test"]);
    assert_eq!(inv.source, InventorySource::Ecosystem("b/ecosystem.config.cjs".into()));
    assert_eq!(inv.applications.len(), 2);
    assert_eq!(inv.application_of("flyer-crawler-api").unwrap().apps.len(), 3);
    assert_eq!(inv.application_of("flyer-crawler-api-test").unwrap().source, InventorySource::Inferred);

    // Nothing at all: pure inference.
    let inv = Inventory::resolve(None, Vec::new(), &["a", "pm2-logrotate"]);
    assert_eq!((inv.source, inv.applications.len()), (InventorySource::Inferred, 1));

    // The same inputs in another order give the same inventory.
    let one = Inventory::resolve(None, vec![billing.clone(), cjs_app()], &seen);
    let two =
        Inventory::resolve(None, vec![cjs_app(), billing], &seen.iter().rev().copied().collect::<Vec<_>>());
    assert_eq!(one, two);
}

fn cjs_app() -> Application {
    Inventory::from_ecosystem(PROD_CJS, Path::new("b/ecosystem.config.cjs")).unwrap()
}
