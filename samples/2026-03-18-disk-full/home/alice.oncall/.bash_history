#1773309731
htop
#1773825185
df -h
#1773825211
sudo -u gitea-runner pm2 jlist > ~/pm2-incident-$(date +%Y%m%d-%H%M%S).json
#1773825220
{ echo "=== PM2 List ==="; sudo -u gitea-runner pm2 list; echo ""; echo "=== Disk Space ==="; df -h; echo ""; echo "=== Memory ==="; free -h; echo ""; echo "=== Recent Git Commits ==="; git -C /var/www/flyer-crawler.projectium.com log --oneline -5; } > ~/incident-state-$(date +%Y%m%d-%H%M%S).txt
#1773825250
sudo du -xsh /var/www/flyer-crawler.projectium.com/storage /var/log /var/lib/postgresql
#1773825350
sudo find /var/www/flyer-crawler.projectium.com/storage/originals -name '*.pdf' -mtime +7 -delete
#1773825500
sudo df -h /
#1773825542
sudo -u gitea-runner pm2 restart flyer-crawler-api
#1773825565
curl -s http://localhost:3001/api/health/ready | jq .data.status
#1773825580
sudo -u gitea-runner pm2 save
