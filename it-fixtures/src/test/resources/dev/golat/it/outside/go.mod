// SPDX-License-Identifier: Apache-2.0
module example.com/quoteservice

go 1.17
