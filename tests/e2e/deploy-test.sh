#!/usr/bin/env bash
# The test deploy of the runbook's incident (2026-02-17): meant to replace the test
# processes, it removes EVERY PM2 process, production included, then starts only the test
# app. tests/e2e.rs runs it as a CI step (cwd: the shop's app directory) to reproduce it.
set -e
pm2 delete all
pm2 start ecosystem-test.config.cjs
