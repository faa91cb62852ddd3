# SPDX-License-Identifier: Apache-2.0
sandbox_add_test(tst_portalapi server)
sandbox_add_test(tst_portalpipeline server)
sandbox_add_test(tst_authorize server)
sandbox_add_test(tst_tokenendpoint server)
sandbox_add_test(tst_fhirapi server)
sandbox_add_test(tst_fhirupstream server)
sandbox_add_test(tst_requestreplayer server)
sandbox_add_test(tst_attacks server)
