# SPDX-License-Identifier: Apache-2.0
# The core suites: services and storage tested directly, without sockets.
sandbox_add_test(tst_scopes core)
sandbox_add_test(tst_secrets core)
sandbox_add_test(tst_http core)
sandbox_add_test(tst_database core)
sandbox_add_test(tst_sandbox core)
sandbox_add_test(tst_clientregistry core)
sandbox_add_test(tst_tokenservice core)
sandbox_add_test(tst_requestlog core)
sandbox_add_test(tst_databasethreads core)
sandbox_add_test(tst_requestlogwriter core)
sandbox_add_test(tst_jsontext core)
