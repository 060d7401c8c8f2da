#1775383840
uptime
#1775693352
sudo -u gitea-runner pm2 logs stock-alert-api --lines 20 --nostream
#1775693405
sudo -u gitea-runner pm2 restart stock-alert-api
#1775693462
sudo -u gitea-runner pm2 list
#1775693680
sudo -u gitea-runner pm2 list
#1775693729
exit
