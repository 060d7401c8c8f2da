#1773153521
sudo -u gitea-runner pm2 list
#1773371398
sudo -u gitea-runner pm2 list
#1773371440
sudo -u gitea-runner pm2 restart all
#1773371480
sudo -u gitea-runner pm2 list
#1773371501
curl -s http://localhost:3001/api/health/ready | jq .data.status
