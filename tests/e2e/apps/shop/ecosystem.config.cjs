// Production: the shop's API and its background worker.
module.exports = {
  apps: [
    { name: 'shop-api', script: './app.js', autorestart: true },
    { name: 'shop-worker', script: './app.js', autorestart: true },
  ],
};
