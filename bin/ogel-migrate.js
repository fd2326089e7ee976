#!/usr/bin/env node
// Built JavaScript lives in dist/ (npm ci runs the build through `prepare`).
import '../dist/cli/bin.js';
