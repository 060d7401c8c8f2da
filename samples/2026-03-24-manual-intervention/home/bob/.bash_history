#1774026160
ssh-add -l
#1774313285
sudo -u gitea-runner pm2 list
#1774313320
sudo -u gitea-runner pm2 logs flyer-crawler-api --lines 30 --nostream
#1774313370
sudo -u gitea-runner pm2 restart flyer-crawler-api
#1774313462
sudo -u gitea-runner pm2 delete flyer-crawler-api
#1774313498
exit
