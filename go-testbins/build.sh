#!/usr/bin/env bash
# Placeholder replaced by the go-testbins work.
mkdir -p "$1"
