#1777785640
pm2 list
#1777989933
pm2 list
#1777989941
pm2 resurrect
#1777989990
pm2 jlist > /tmp/pm2-incident-$(date +%Y%m%d-%H%M%S).json
#1777990070
pm2 list
