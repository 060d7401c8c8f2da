// PM2 configuration of stock-alert (production).
module.exports = {
  apps: [
    {
      name: 'stock-alert-api',
      script: './dist/index.js',
      cwd: '/var/www/stock-alert.projectium.com',
      exec_mode: 'fork',
      time: true,
      max_memory_restart: '300M',
      wait_ready: true,
      listen_timeout: 240000,
      restart_delay: 120000,
      kill_timeout: 1600,
      env: { NODE_ENV: 'production', PORT: 3010 },
    },
  ],
};
