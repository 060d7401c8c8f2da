#1772179511
pm2 logs stock-alert-api --lines 50 --nostream
#1772179600
pm2 list
#1772534042
pm2 list
#1772534080
pm2 jlist > /tmp/pm2-incident-$(date +%Y%m%d-%H%M%S).json
#1772534080
{ echo "=== PM2 List ==="; pm2 list; echo ""; echo "=== Disk Space ==="; df -h; echo ""; echo "=== Memory ==="; free -h; echo ""; echo "=== Recent Git Commits ==="; cd /var/www/flyer-crawler.projectium.com && git log --oneline -5; } > /tmp/incident-state-$(date +%Y%m%d-%H%M%S).txt
#1772534120
cd /var/www/stock-alert.projectium.com
#1772534130
pm2 start ecosystem.config.cjs
#1772534152
curl -s https://stock-alert.projectium.com/api/health/ready | jq '.data.status'
#1772534191
cd /var/www/flyer-crawler-test.projectium.com
#1772534199
pm2 start ecosystem-test.config.cjs
#1772534230
pm2 save
#1772534238
pm2 list
