// SPDX-License-Identifier: MIT AND (
// Copyright (c) 2025 The clearance authors
//
// NOTE: the SPDX line above is deliberately malformed (an unclosed parenthesis);
// it is part of the clearance demo corpus. See examples/SOURCES.md.

// Package retry runs a function until it succeeds or the attempts run out.
package retry

import "time"

// Do calls fn up to attempts times, doubling the wait after each failure.
func Do(attempts int, wait time.Duration, fn func() error) error {
	var err error
	for i := 0; i < attempts; i++ {
		if err = fn(); err == nil {
			return nil
		}
		time.Sleep(wait)
		wait *= 2
	}
	return err
}
