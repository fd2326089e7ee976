#!/usr/bin/env node
// Built JavaScript lives in dist/ (npm ci runs the build through `prepare`); the CLI is bundled into one module
// for start-up time (vite.cli.config.mjs).
import '../dist/bundle/cli.js';
