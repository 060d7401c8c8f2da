// PM2 configuration of the flyer-crawler TEST environment.
// Deployed by .gitea/workflows/deploy-to-test.yml.
module.exports = {
  apps: [
    {
      name: 'flyer-crawler-api-test',
      script: './dist/server.js',
      cwd: '/var/www/flyer-crawler-test.projectium.com',
      exec_mode: 'fork',
      instances: 1,
      max_memory_restart: '512M',
      env: { NODE_ENV: 'test', PORT: 3002 },
    },
    {
      name: 'flyer-crawler-worker-test',
      script: './dist/worker.js',
      cwd: '/var/www/flyer-crawler-test.projectium.com',
      max_memory_restart: '512M',
      env: { NODE_ENV: 'test' },
    },
    {
      name: 'flyer-crawler-analytics-worker-test',
      script: './dist/analytics.js',
      cwd: '/var/www/flyer-crawler-test.projectium.com',
      max_memory_restart: '256M',
      env: { NODE_ENV: 'test' },
    },
  ],
};
