// Production: billing, a second application on the same PM2 daemon.
module.exports = {
  apps: [{ name: 'billing-api', script: './app.js', autorestart: true }],
};
