// Test environment of the shop: what the test deploy starts.
module.exports = {
  apps: [{ name: 'shop-api-test', script: './app.js', autorestart: true }],
};
