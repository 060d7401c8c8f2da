#1778521202
apt list --upgradable
#1778561900
# maintenance window 07:00-07:15 CEST: pm2 6.0.13 -> 6.0.14
#1778561945
sudo npm install -g pm2@6.0.14
#1778562010
sudo -u gitea-runner pm2 kill
#1778562026
sudo -u gitea-runner pm2 resurrect
#1778562050
sudo -u gitea-runner pm2 list
