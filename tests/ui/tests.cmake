# SPDX-License-Identifier: Apache-2.0
sandbox_add_test(tst_requestlogmodel ui LIBRARIES sandbox_ui)
sandbox_add_test(tst_tokenmodel ui LIBRARIES sandbox_ui)
sandbox_add_test(tst_clientmodel ui LIBRARIES sandbox_ui)
sandbox_add_test(tst_mainwindow ui LIBRARIES sandbox_ui)
sandbox_add_test(tst_trafficpage ui LIBRARIES sandbox_ui)
sandbox_add_test(tst_tokenspage ui LIBRARIES sandbox_ui)
sandbox_add_test(tst_jsonhighlighter ui LIBRARIES sandbox_ui)
sandbox_add_test(tst_peoplepage ui LIBRARIES sandbox_ui)
