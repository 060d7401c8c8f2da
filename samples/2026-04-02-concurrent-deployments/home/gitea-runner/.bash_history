#1774934411
pm2 list
#1775118221
pm2 list
#1775118290
pm2 jlist > /tmp/pm2-incident-$(date +%Y%m%d-%H%M%S).json
#1775118290
{ echo "=== PM2 List ==="; pm2 list; echo ""; echo "=== Disk Space ==="; df -h; echo ""; echo "=== Memory ==="; free -h; echo ""; echo "=== Recent Git Commits ==="; cd /var/www/flyer-crawler.projectium.com && git log --oneline -5; } > /tmp/incident-state-$(date +%Y%m%d-%H%M%S).txt
#1775118340
jq -r '.[].name' ~/.pm2/dump.pm2
#1775118442
cd /var/www/flyer-crawler.projectium.com
#1775118450
pm2 start ecosystem.config.cjs --only flyer-crawler-worker
#1775118470
pm2 save
