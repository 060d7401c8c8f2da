#1777566003
sudo -u gitea-runner pm2 list
#1777989511
top -b -n 1 | head -15
#1777989542
sudo -u gitea-runner pm2 list
#1777989580
sudo -u gitea-runner pm2 kill
#1777989920
sudo -u gitea-runner -i
#1777990108
exit
