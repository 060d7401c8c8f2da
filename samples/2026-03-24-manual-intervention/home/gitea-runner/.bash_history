#1774170603
pm2 list
#1774314800
pm2 list
#1774314860
pm2 jlist > /tmp/pm2-incident-$(date +%Y%m%d-%H%M%S).json
#1774314861
{ echo "=== PM2 List ==="; pm2 list; echo ""; echo "=== Disk Space ==="; df -h; echo ""; echo "=== Memory ==="; free -h; echo ""; echo "=== Recent Git Commits ==="; cd /var/www/flyer-crawler.projectium.com && git log --oneline -5; } > /tmp/incident-state-$(date +%Y%m%d-%H%M%S).txt
#1774314950
cd /var/www/flyer-crawler.projectium.com
#1774314965
pm2 start ecosystem.config.cjs --only flyer-crawler-api
#1774314982
curl -s http://localhost:3001/api/health/ready | jq '.data.status'
#1774314990
pm2 save
