#1776067862
pm2 list
#1776252014
pm2 list
#1776252060
pm2 jlist > /tmp/pm2-incident-$(date +%Y%m%d-%H%M%S).json
#1776252060
{ echo "=== PM2 List ==="; pm2 list; echo ""; echo "=== Disk Space ==="; df -h; echo ""; echo "=== Memory ==="; free -h; echo ""; echo "=== Recent Git Commits ==="; cd /var/www/flyer-crawler.projectium.com && git log --oneline -5; } > /tmp/incident-state-$(date +%Y%m%d-%H%M%S).txt
#1776252238
cd /var/www/flyer-crawler.projectium.com
#1776252250
pm2 start ecosystem.config.cjs
#1776252280
curl -s http://localhost:3001/api/health/ready | jq '.data.status'
#1776252351
cd /var/www/stock-alert.projectium.com
#1776252362
pm2 start ecosystem.config.cjs
#1776252390
pm2 save
#1776253092
grep -n 'pm2 delete' /var/www/flyer-crawler-test.projectium.com/.gitea/workflows/deploy-to-test.yml
