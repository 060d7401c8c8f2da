// PM2 configuration of the flyer-crawler PRODUCTION environment.
// Deployed by .gitea/workflows/deploy-to-prod.yml.
// /etc/projectium/shared.env (from deploy/shared.env) is loaded by dotenv at start.
module.exports = {
  apps: [
    {
      name: 'flyer-crawler-api',
      script: './dist/server.js',
      cwd: '/var/www/flyer-crawler.projectium.com',
      exec_mode: 'cluster',
      instances: 1,
      merge_logs: true,
      time: true,
      max_restarts: 8,
      min_uptime: '5s',
      max_memory_restart: '1G',
      node_args: '-r dotenv/config',
      env: { NODE_ENV: 'production', PORT: 3001, DOTENV_CONFIG_PATH: '/etc/projectium/shared.env' },
    },
    {
      name: 'flyer-crawler-worker',
      script: './dist/worker.js',
      cwd: '/var/www/flyer-crawler.projectium.com',
      time: true,
      max_restarts: 15,
      min_uptime: '30s',
      restart_delay: 4000,
      env: { NODE_ENV: 'production' },
    },
    {
      name: 'flyer-crawler-analytics-worker',
      script: './dist/analytics.js',
      cwd: '/var/www/flyer-crawler.projectium.com',
      node_args: '--max-old-space-size=6144',
      time: true,
      max_restarts: 3,
      min_uptime: '10m',
      env: { NODE_ENV: 'production' },
    },
  ],
};
