"""Supervision's rules and decisions, pure of SSH and SMTP: thresholds resolved from the inventory (rules),
a check read against them (evaluate), hysteresis, restoration deadlines in working time (deadlines), and what
a cycle raises, clears, mails and reminds (alerting). The engine of `wifiops watch` drives them."""
