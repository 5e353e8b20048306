#!/usr/bin/python3
"""Every malformed or hostile input of tests/bad_inputs/ (see its README.md) is refused cleanly:
`kascade run DECK -o TMP/out.h5` exits with status 2 and prints exactly one line on standard
error, starting "kascade: error: " and naming the offending key or file; it does not crash, and
leaves nothing in TMP (no output, no .partial, no spill or checkpoint file).

usage: test_bad_inputs.py KASCADE_BINARY SOURCE_DIR
"""
import concurrent.futures
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, failures, finish  # noqa: E402

binary, source = sys.argv[1], sys.argv[2]
SOURCE_BAD = os.path.join(source, "tests", "bad_inputs")
DECKS = None  # the decks' copy in the temporary directory, next to the generated data (main)

# What the one line must contain, per deck: every string of the list; a tuple is a choice of
# strings, any of which will do. Keys are named with their dotted path, files with their name
# (with the extension, so that the deck's own name in the message does not count).
EXPECTED = {
    # TOML syntax: the reason and the line
    "syntax_unclosed_table.toml": ["syntax error", "line 3"],
    "syntax_missing_value.toml": ["syntax error", "line 3"],
    "syntax_duplicate_key.toml": ["syntax error", "theta", "lines 3 and 4"],
    "syntax_duplicate_table.toml": ["syntax error", "model"],
    "syntax_bad_escape.toml": ["syntax error", "line 2"],
    "syntax_unterminated_string.toml": ["syntax error", "line 2"],
    "syntax_bare_word_value.toml": ["syntax error", "line 3"],
    "syntax_deep_nesting.toml": ["syntax_deep_nesting.toml"],
    "syntax_invalid_utf8.toml": ["syntax error", "line 2"],
    "syntax_invalid_utf8_literal_key.toml": ["syntax error", "UTF-8", "line 2"],
    "syntax_nul_byte.toml": ["syntax error", "line 2"],
    "binary_garbage.toml": ["binary_garbage.toml", "syntax error"],
    # unknown keys, at every level
    "unknown_top_key.toml": ["'sede'", "did you mean 'seed'"],
    "unknown_top_table.toml": ["'simulaton'", "did you mean 'simulation'"],
    "unknown_networks_key.toml": ["'networks.cuont'", "did you mean 'networks.count'"],
    "unknown_generator_key.toml": ["'networks.normal.sparsty'"],
    "unknown_generator_table.toml": ["'networks.uniform'"],
    "unknown_weight_law_key.toml": ["'networks.erdos_renyi.low'"],
    "unknown_neurons_range_key.toml": ["'networks.neurons.mx'"],
    "unknown_neurons_with_file_source.toml": ["unknown key 'networks.neurons'"],
    "unknown_file_source_key.toml": ["'networks.hdf5.dataset'"],
    "unknown_model_key.toml": ["'model.tehta'"],
    "unknown_model_other_preset_param.toml": ["unknown key 'model.theta'", 'not of "poisson_glm"'],
    "unknown_simulation_key.toml": ["'simulation.batchsize'", "'simulation.batch_size'"],
    "unknown_stimulus_key.toml": ["'stimulus[0].strenght'"],
    "unknown_stimulus_other_kind_key.toml": ["unknown key 'stimulus[0].period'"],
    "unknown_stimulus_targets_key.toml": ["'stimulus[0].count'", "targets = \"count\""],
    "stimulus_neurons_without_list.toml": ["'stimulus[0].neurons'", "set stimulus[0].targets = \"list\""],
    "unknown_key_with_newline.toml": ["unknown key", "rm -rf"],
    # wrong types
    "type_string_for_number.toml": ["model.theta"],
    "type_string_for_integer.toml": ["'seed'", "integer"],
    "type_float_for_integer.toml": ["networks.neurons", "integer"],
    "type_float_for_integer_steps.toml": ["simulation.steps", "integer"],
    "type_table_for_number.toml": ["simulation.steps"],
    "type_array_of_strings.toml": ["model.theta"],
    "type_bool_for_float.toml": ["simulation.memory_budget_gib"],
    "type_date_for_integer.toml": ["'seed'"],
    "type_networks_not_table.toml": ["'networks'", "table"],
    "type_stimulus_not_array.toml": ["'stimulus'", "array of tables"],
    "type_stimulus_table_not_array.toml": ["'stimulus'", "array of tables"],
    "type_generator_not_string.toml": ["networks.generator"],
    "type_mixed_neurons_array.toml": ["networks.neurons"],
    "type_float_in_integer_array.toml": ["model.coupling_window", "integer"],
    "type_output_number.toml": ["'output'"],
    "type_bool_for_boolean_string.toml": ["networks.normal.glorot"],
    "type_channel_weights_strings.toml": ["stimulus[0].channel_weights"],
    "type_nested_array_for_number.toml": ["model.theta"],
    # negative, zero and absurd sizes
    "count_zero.toml": ["networks.count", "got 0"],
    "count_negative.toml": ["networks.count", "got -3"],
    "count_too_large.toml": ["networks.count", "got 4294967296"],
    "neurons_zero.toml": ["networks.neurons"],
    "neurons_negative.toml": ["networks.neurons"],
    "neurons_too_large.toml": ["networks.neurons"],
    "neurons_array_zero.toml": ["networks.neurons"],
    "neurons_range_min_gt_max.toml": ["networks.neurons.max"],
    "neurons_range_min_zero.toml": ["networks.neurons.min"],
    "steps_zero.toml": ["simulation.steps", "got 0"],
    "steps_too_large.toml": ["simulation.steps"],
    "equilibration_negative.toml": ["simulation.equilibration_steps"],
    "record_interval_zero.toml": ["simulation.record_interval"],
    "batch_size_negative.toml": ["simulation.batch_size"],
    "memory_budget_zero.toml": ["simulation.memory_budget_gib"],
    "seed_negative.toml": ["'seed'"],
    "output_empty.toml": ["'output'"],
    "absurd_count.toml": ["networks.count"],
    "absurd_neurons.toml": ["network 0", "simulation.memory_budget_gib"],
    "absurd_neurons_synapses.toml": ["network 0", "simulation.memory_budget_gib"],
    "batch_exceeds_memory_budget.toml": ["network 0", "simulation.memory_budget_gib"],
    "neurons_file_exceeds_memory_budget.toml": ["network 1", "simulation.memory_budget_gib",
                                                "networks.neurons from /n in", "neurons.h5"],
    # NaN, infinity, float32 range
    "nan_model_theta.toml": ["model.theta", "finite"],
    "inf_generator_std.toml": ["networks.normal.std", "finite"],
    "neg_inf_stimulus_strength.toml": ["stimulus[0].strength", "finite"],
    "nan_in_per_network_array.toml": ["model.theta", "finite"],
    "inf_memory_budget.toml": ["simulation.memory_budget_gib"],
    "nan_checkpoint_every.toml": ["simulation.checkpoint_every"],
    "float32_overflow_param.toml": ["model.theta", "float32"],
    "nan_coupling_taps.toml": ["model.coupling_taps"],
    # impossible model parameters
    "poisson_glm_T_zero.toml": ["model.T"],
    "rectified_lnp_T_too_large.toml": ["model.T"],
    "coupling_window_zero.toml": ["model.coupling_window"],
    "custom_coupling_window_zero.toml": ["model.coupling_window"],
    "poisson_glm_alpha_zero.toml": ["model.alpha"],
    "poisson_glm_tau_zero.toml": ["model.tau"],
    "dt_zero.toml": ["model.dt"],
    "dt_negative.toml": ["model.dt"],
    "dt_per_network.toml": ["model.dt", "one value"],
    "squared_noise_per_network.toml": ["model.squared_noise", "one value"],
    "threshold_sam_rho_gt_one.toml": ["model.rho"],
    "threshold_sam_sigma_negative.toml": ["model.sigma"],
    "custom_noise_rho_gt_one.toml": ["model.noise_rho"],
    "abs_ref_scale_too_large.toml": ["model.abs_ref_scale"],
    "rel_ref_scale_negative.toml": ["model.rel_ref_scale", "network 1"],
    "custom_explicit_without_taps.toml": ["model.coupling_taps"],
    "custom_empty_taps.toml": ["model.self_taps"],
    "nonlinearity_extension.toml": ["model.nonlinearity", "extension"],
    # bad names
    "bad_preset.toml": ["model.preset", "bernoulli"],
    "bad_generator.toml": ["networks.generator", "small_world"],
    "bad_nonlinearity.toml": ["model.nonlinearity", "tanh"],
    "bad_emission.toml": ["model.emission", "gamma"],
    "bad_coupling.toml": ["model.coupling", "alpha_function"],
    "bad_self.toml": ["model.self", "adaptive"],
    "bad_noise.toml": ["model.noise", "gaussian"],
    "bad_weight_law.toml": ["networks.fixed_indegree.weights", "cauchy"],
    "bad_stimulus_kind.toml": ["stimulus[0].kind", "square"],
    "bad_stimulus_targets.toml": ["stimulus[0].targets", "some"],
    "bad_stimulus_intervals.toml": ["stimulus[0].intervals", "gamma"],
    "preset_class_name.toml": ["model.preset", 'did you mean "bernoulli_glm"'],
    "preset_misspelt.toml": ["model.preset", 'did you mean "bernoulli_glm"'],
    "generator_class_name.toml": ["networks.generator", 'did you mean "normal"'],
    "stimulus_kind_class_name.toml": ["stimulus[0].kind", 'did you mean "sinusoid"'],
    "bad_preset_with_newline.toml": ["model.preset"],
    "bad_generator_with_newline.toml": ["networks.generator"],
    # impossible generator parameters
    "sparsity_gt_one.toml": ["networks.normal.sparsity"],
    "sparsity_negative.toml": ["networks.uniform.sparsity"],
    "erdos_renyi_p_gt_one.toml": [("networks.erdos_renyi.p ", "networks.erdos_renyi.p'")],
    "erdos_renyi_sparsity.toml": ["networks.erdos_renyi.sparsity", "'p' = 1 - sparsity"],
    "excitatory_fraction_gt_one.toml": ["networks.normal.excitatory_fraction"],
    "inhibitory_scale_negative.toml": ["networks.normal.inhibitory_scale"],
    "normal_std_negative.toml": ["networks.normal.std"],
    "uniform_low_gt_high.toml": ["networks.uniform.low"],
    "lognormal_sigma_negative.toml": ["networks.erdos_renyi.sigma"],
    "fixed_indegree_k_equals_neurons.toml": ["networks.fixed_indegree.k", "10 neurons"],
    "fixed_indegree_k_exceeds_smallest.toml": ["networks.fixed_indegree.k", "5 neurons"],
    "fixed_indegree_k_negative.toml": ["networks.fixed_indegree.k"],
    "mexican_hat_sigma_zero.toml": ["networks.mexican_hat.sigma_1"],
    # per-network arrays of the wrong length
    "theta_array_too_short.toml": ["model.theta", "2 values", "4 networks"],
    "theta_array_empty.toml": ["model.theta", "0 values"],
    "neurons_array_wrong_length.toml": ["networks.neurons", "2 values", "3 networks"],
    "stimulus_strength_wrong_length.toml": ["stimulus[0].strength", "3 values", "2 networks"],
    "stimulus_lists_wrong_length.toml": ["stimulus[0].neurons", "3 lists", "2 networks"],
    "theta_array_vs_file_networks.toml": ["model.theta", "2 values", "3 networks"],
    # stimuli
    "stimulus_period_zero.toml": ["stimulus[0].period"],
    "stimulus_sinusoid_period_zero.toml": ["stimulus[0].period"],
    "stimulus_mean_interval_zero.toml": ["stimulus[0].mean_interval"],
    "stimulus_mean_interval_tiny.toml": ["stimulus[0].mean_interval", "intervals to draw"],
    "stimulus_start_far_back.toml": ["stimulus[0].start", "intervals to draw"],
    "stimulus_width_negative.toml": ["stimulus[0].width"],
    "stimulus_start_after_stop.toml": ["stimulus[0].stop"],
    "stimulus_fraction_gt_one.toml": ["stimulus[0].fraction"],
    "stimulus_count_float.toml": ["stimulus[0].count"],
    "stimulus_count_exceeds_neurons.toml": ["stimulus[0].count", "20 neurons"],
    "stimulus_list_index_out_of_range.toml": ["stimulus[0].neurons", "neuron 25"],
    "stimulus_list_negative_index.toml": ["stimulus[0].neurons"],
    "stimulus_list_without_neurons.toml": ["stimulus[0].neurons", "required"],
    "stimulus_name_duplicate.toml": ["stimulus[1].name", "drive"],
    "stimulus_name_slash.toml": ["stimulus[0].name"],
    # loaded stimuli
    "loaded_without_file.toml": ["stimulus[0].file", "required"],
    "loaded_file_not_found.toml": ["stimulus[0].file", "no_such_file.h5"],
    "loaded_file_not_hdf5.toml": ["stimulus[0].file", "text.h5"],
    "loaded_file_is_directory.toml": ["stimulus[0].file", "decks/data"],
    "loaded_missing_dataset.toml": ["stimulus[0].file", "wrong_name.h5", "'stimulus'"],
    "loaded_two_d_dataset.toml": ["stimulus[0].file", "two_d.h5", "2 dimensions"],
    "loaded_five_d_dataset.toml": ["stimulus[0].file", "five_d.h5", "5 dimensions"],
    "loaded_string_dataset.toml": ["stimulus[0].file", "strings.h5", "numbers"],
    "loaded_channel_weights_wrong_length.toml": ["stimulus[0].channel_weights", "stimulus.h5"],
    "loaded_channel_weights_missing.toml": ["stimulus[0].channel_weights", "stimulus.h5"],
    "loaded_channel_weights_for_3d.toml": ["stimulus[0].channel_weights", "three_d.h5", "3-D"],
    "loaded_too_few_networks.toml": ["stimulus[0].file", "three_d.h5", "4 networks"],
    "loaded_too_few_neurons.toml": ["three_d.h5", "values for 20 neurons", "30 of network 0"],
    "loaded_nan_values.toml": ["nan_values.h5", "finite"],
    "loaded_too_many_steps.toml": ["memory_budget_gib", "loaded stimuli"],
    # dense .npy connectivity
    "npy_fortran_order.toml": ["npy/fortran_order/0.npy", "fortran_order"],
    "npy_big_endian.toml": ["npy/big_endian/0.npy", "big-endian"],
    "npy_complex.toml": ["npy/complex/0.npy", "complex"],
    "npy_not_square.toml": ["npy/not_square/0.npy", "(2, 3)"],
    "npy_three_d.toml": ["npy/three_d/0.npy", "(2, 2, 2)"],
    "npy_strings.toml": ["npy/strings/0.npy", "string dtype"],
    "npy_truncated.toml": ["npy/truncated/0.npy", "truncated"],
    "npy_nan_weight.toml": ["npy/nan_weight/0.npy", "[0, 1]"],
    "npy_float64_overflow.toml": ["npy/float64_overflow/0.npy", "[1, 2]"],
    "npy_empty_matrix.toml": ["npy/empty_matrix/0.npy", "empty"],
    "npy_object_dtype.toml": ["npy/object_dtype/0.npy", "object"],
    "npy_structured_dtype.toml": ["npy/structured_dtype/0.npy", "structured"],
    "npy_zero_bytes.toml": ["npy/zero_bytes/0.npy"],
    "npy_not_npy.toml": ["npy/not_npy/0.npy", "not a .npy file"],
    "npy_huge_shape.toml": ["npy/huge_shape/0.npy", "exceed the supported"],
    "npy_extra_bytes.toml": ["npy/extra_bytes/0.npy", "bytes follow"],
    "npy_dtype_size_overflow.toml": ["npy_dtype_size_overflow/0.npy", "dtype"],
    "npy_header_newline.toml": ["npy/header_newline/0.npy", "malformed"],
    "npy_missing_directory_key.toml": ["networks.npy.directory", "required"],
    "npy_directory_not_found.toml": ["no_such_directory"],
    "npy_directory_is_file.toml": ["npy_directory_is_file.toml", "not a directory"],
    "npy_directory_without_npy.toml": ["bad_inputs/stimuli", "no .npy files"],
    "npy_count_too_large.toml": ["networks.count", "data/npy"],
    # kascade-layout HDF5 connectivity
    "hdf5_missing_file_key.toml": ["networks.hdf5.file", "required"],
    "hdf5_file_empty_string.toml": ["networks.hdf5.file"],
    "hdf5_file_not_found.toml": ["no_such_file.h5"],
    "hdf5_file_not_hdf5.toml": ["text.h5"],
    "hdf5_file_is_directory.toml": ["decks/data"],
    "hdf5_truncated.toml": ["truncated.h5"],
    "hdf5_index_out_of_range.toml": ["out_of_range.h5", "/connectivity/target", "network 1"],
    "hdf5_claims_too_many_synapses.toml": ["claims_2e36_synapses.h5", "68719476736 synapses",
                                           "memory_budget_gib"],
    "hdf5_offsets_wrong_length.toml": ["offsets_wrong_length.h5", "/networks/synapse_offset"],
    "hdf5_n_neurons_2d.toml": ["n_neurons_2d.h5", "/networks/n_neurons"],
    "hdf5_offsets_past_end.toml": ["offsets_past_end.h5", "/networks/synapse_offset"],
    "hdf5_length_mismatch.toml": ["length_mismatch.h5", "/connectivity/target"],
    "hdf5_missing_weight.toml": ["missing_weight.h5", "/connectivity/weight"],
    "hdf5_nan_weight.toml": ["nan_weight.h5", "/connectivity/weight"],
    "hdf5_weight_overflow.toml": ["weight_overflow.h5", "/connectivity/weight"],
    "hdf5_negative_index.toml": ["negative_index.h5", "/connectivity/source"],
    "hdf5_zero_neurons.toml": ["zero_neurons.h5", "network 1"],
    "hdf5_string_weight.toml": ["string_weight.h5", "/connectivity/weight"],
    "hdf5_no_networks_group.toml": ["no_networks_group.h5"],
    "hdf5_n_neurons_attribute_string.toml": ["n_neurons_attribute_string.h5", "n_neurons"],
    "hdf5_no_networks.toml": ["no_networks.h5", "no networks"],
    "hdf5_count_too_large.toml": ["networks.count", "networks.h5"],
    "hdf5_two_billion_neurons.toml": [("two_billion_neurons.h5", "simulation.memory_budget_gib")],
    "hdf5_sonata_file.toml": ["sonata_edges.h5", "SONATA"],
    "hdf5_unfinished_output.toml": ["unfinished_output.h5", "did not finish"],
    # SONATA connectivity
    "sonata_missing_file_key.toml": ["networks.sonata.file", "required"],
    "sonata_missing_syn_weight.toml": ["missing_syn_weight.h5", "syn_weight"],
    "sonata_no_edges.toml": ["sonata_no_edges.h5", "/edges"],
    "sonata_kascade_file.toml": ["networks.h5", "/edges"],
    "sonata_empty_population.toml": ["sonata_empty_population.h5", "no edges"],
    "sonata_length_mismatch.toml": ["sonata_length_mismatch.h5", "target_node_id"],
    "sonata_group_index_out_of_range.toml": ["sonata_group_index_out_of_range.h5",
                                             "edge_group_index"],
    "sonata_missing_group.toml": ["sonata_missing_group.h5", "edge_group_id"],
    "sonata_two_node_populations.toml": ["sonata_two_node_populations.h5", "node population"],
    "sonata_huge_node_id.toml": ["sonata_huge_node_id.h5", "1099511627777"],
    "sonata_inf_weight.toml": ["sonata_inf_weight.h5", "syn_weight"],
    "sonata_max_node_id.toml": ["sonata_max_node_id.h5", "neurons"],
    "sonata_two_billion_node_id.toml": ["sonata_two_billion_node_id.h5",
                                        "more than the supported"],
    "sonata_truncated.toml": ["truncated.h5"],
    "sonata_corrupt_global_heap.toml": ["sonata_corrupt_global_heap.h5", "HDF5 did not return"],
    "runaway_bad_action.toml": ["simulation.runaway_action", "abort"],
    "runaway_negative_rate.toml": ["simulation.runaway_rate_hz"],
    # [tune]
    "tune_unknown_parameter.toml": ["tune.parameters", "thetta", "continuous parameters: theta,"],
    "tune_integer_parameter.toml": ["model.abs_ref_scale", "cannot be tuned"],
    "tune_dt.toml": ["model.dt", "cannot be tuned"],
    "tune_negative_target.toml": ["tune.target_rate"],
    "tune_nan_target.toml": ["tune.target_rate"],
    "tune_target_count.toml": ["tune.target_rate", "3 networks"],
    "tune_neuron_targets_wrong_length.toml": ["tune.target_rate", "network 1"],
    "sam_tau_below_dt.toml": ["model.tau", "model.dt"],
    "loaded_strength_overflows.toml": ["huge_values.h5", "strength", "float32"],
    "excitatory_neurons_unknown.toml": ["networks.normal.excitatory_neurons", "first or random"],
    "tune_neuron_targets_random_sizes.toml": ["tune.target_rate", "1 rate for network 0",
                                              "neurons"],
    "tune_bad_method.toml": ["tune.method", "lbfgs"],
    "tune_newton_two_parameters.toml": ["tune.method", "adam"],
    "tune_shared_not_tuned.toml": ["tune.shared", "'r'"],
    "tune_bounds_empty.toml": ["tune.bounds.theta"],
    "tune_bounds_three.toml": ["tune.bounds.theta", "two numbers", "it has 3"],
    "tune_target_above_gain.toml": ["tune.target_rate", "1500 Hz", "below 1000 Hz"],
    "tune_bounds_unlisted.toml": ["tune.bounds.theta", "tune.parameters lists (b)"],
    "tune_target_out_of_reach.toml": ["tune.target_rate", "500 Hz", "below 500 Hz"],
    "tune_unknown_key.toml": ["tune.target_rates", "tune.target_rate"],
    "tune_threshold_model.toml": ["threshold emission"],
    "tune_unknown_stimulus.toml": ["stimulus.probe.strength"],
    "tune_zero_epochs.toml": ["tune.epochs"],
    "tune_bad_tolerance.toml": ["tune.tolerance"],
}

# One thread per run: many runs go at once, and threads would only add address space.
# (KASCADE_HDF5_TIMEOUT: the readers' watchdog on HDF5 calls that a corrupt file can hang)
ENV = dict(os.environ, OMP_NUM_THREADS="1", KASCADE_HDF5_TIMEOUT="5")

# Signs of a crash or of a library talking past kascade's one line.
CRASH = ("terminate called", "Segmentation fault", "core dumped", "HDF5-DIAG", "#000:",
         "std::bad_alloc", "Abort", "what():", "MPI_ABORT", "Kokkos::abort")


def limit_resources():
    """A hostile deck must fail before it allocates: cap the address space at 8 GiB (an absurd
    allocation fails at once instead of swapping the test machine) and write no core file.
    Set on this process before any thread starts, so that every kascade run inherits it.
    AddressSanitizer builds (KASCADE_SANITIZED) reserve terabytes of address space for their
    shadow memory: there the sanitizer's allocator refuses allocations above 8 GiB instead."""
    if os.environ.get("KASCADE_SANITIZED"):
        options = os.environ.get("ASAN_OPTIONS", "")
        ENV["ASAN_OPTIONS"] = (options + ":" if options else "") + \
            "max_allocation_size_mb=8192:allocator_may_return_null=1"
    else:
        resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def make_inputs(root):
    """ROOT/tests/bad_inputs as the decks see it: the decks copied, the tracked .npy samples
    linked, the HDF5 files written by decks/make_data.py (they are not kept in git), and
    ROOT/inputs linked to the source's inputs/ (decks reach ../../../inputs/data)."""
    bad = os.path.join(root, "tests", "bad_inputs")
    for sub in ("decks", "connectivity", "stimuli"):
        os.makedirs(os.path.join(bad, sub))
        here = os.path.join(SOURCE_BAD, sub)
        for name in sorted(os.listdir(here)) if os.path.isdir(here) else []:
            if name.endswith(".toml"):
                shutil.copy(os.path.join(here, name), os.path.join(bad, sub, name))
            elif name.endswith(".npy") or name == "npy":
                os.symlink(os.path.join(here, name), os.path.join(bad, sub, name))
    os.symlink(os.path.join(source, "inputs"), os.path.join(root, "inputs"))
    os.symlink(os.path.join(source, "tests", "data"), os.path.join(root, "tests", "data"))
    subprocess.run([sys.executable, os.path.join(SOURCE_BAD, "decks", "make_data.py"), bad],
                   check=True)
    return os.path.join(bad, "decks")


def run(deck, tmp, *options):
    """kascade run DECK -o TMP/out.h5 [OPTIONS]: (exit status, stdout, stderr, seconds)."""
    t0 = time.time()
    try:
        r = subprocess.run([binary, "run", deck, "-o", os.path.join(tmp, "out.h5"), *options],
                           capture_output=True, timeout=120, env=ENV)
        status, out, err = r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        status, out, err = "timeout", e.stdout or b"", e.stderr or b""
    return (status, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
            time.time() - t0)


def judge(label, expected, result, tmp):
    status, out, err, seconds = result
    shown = repr(err[:600])
    if isinstance(status, int) and status < 0:
        check(False, f"{label}: killed by signal {signal.Signals(-status).name} {shown}")
    else:
        check(status == 2, f"{label}: exit status {status}, expected 2 {shown}")
    lines = err.splitlines()
    check(len(lines) == 1 and err.endswith("\n"),
          f"{label}: {len(lines)} lines on stderr, expected exactly 1 {shown}")
    check(err.startswith("kascade: error: "), f"{label}: stderr starts 'kascade: error: ' {shown}")
    crash = [c for c in CRASH if c in err or c in out]
    check(not crash, f"{label}: no crash or library message ({crash}) {shown}")
    for want in expected:
        choices = want if isinstance(want, tuple) else (want,)
        check(any(c in err for c in choices), f"{label}: names {' or '.join(choices)} {shown}")
    left = sorted(os.listdir(tmp))
    check(not left, f"{label}: nothing left in the output directory ({left})")
    return seconds


def check_command_lines(root, deck):
    """Mistakes on the command line, with a valid deck: the same one line, status 2, nothing
    written (every subcommand refuses what it does not know; an output that could not take its
    name is refused before any step)."""
    directory = os.path.join(root, "an_output_directory")
    os.mkdir(directory)
    cases = {
        "run without a deck": (["run"], ["deck is required"]),
        "run with two outputs": (["run", deck, "-o", "{tmp}/a.h5", "-o", "{tmp}/b.h5"], ["--output"]),
        "generate with an option of run": (["generate", deck, "-o", "{tmp}/g.h5", "--dry-run"],
                                           ["--dry-run"]),
        "tune with an unknown option": (["tune", deck, "-o", "{tmp}/t.h5", "--bogus"], ["--bogus"]),
        "info with an extra argument": (["info", "{tmp}/none.h5", "extra"], ["extra"]),
        "export with an unknown option": (["export", "{tmp}/none.h5", "-o", "{tmp}/e", "--bogus"],
                                          ["--bogus"]),
        "a directory as the output": (["run", deck, "-o", directory, "--overwrite"],
                                      ["an_output_directory", "is a directory"]),
        "a newline in --set": (["run", deck, "-o", "{tmp}/n.h5", "--set", "simulation.steps=9\nseed=5"],
                               ["one line"]),
        "a seed beyond 64 bits": (["run", deck, "-o", "{tmp}/s.h5", "--set", "seed=18446744073709551615"],
                                  ["seed=18446744073709551615", "out of range"]),
        "two keys after one --set": (["run", deck, "-o", "{tmp}/v.h5", "--set", "simulation.steps=9",
                                      "networks.count=3"],
                                     ["'networks.count=3'", "each --set takes one KEY=VALUE"]),
        "a --set into the table of a generator --set replaced": (
            ["run", deck, "-o", "{tmp}/g.h5", "--set", 'networks.generator="erdos_renyi"',
             "--set", "networks.normal.std=3"],
            ["--set 'networks.normal.std=3'", "unknown key 'networks.normal'"]),
        "an unknown key in --set": (["run", deck, "-o", "{tmp}/u.h5", "--set", "simulation.stepz=9"],
                                    ["--set 'simulation.stepz=9'", "did you mean 'simulation.steps'"]),
        "an output in a missing directory": (["run", deck, "-o", "{tmp}/no_such_dir/x.h5"],
                                             ["no_such_dir", "does not exist"]),
        "no threads": (["run", deck, "-o", "{tmp}/k.h5", "--kokkos-threads=0"],
                       ["--kokkos-threads", "whole number"]),
        "threads not a number": (["run", deck, "-o", "{tmp}/k.h5", "--kokkos-threads=abc"],
                                 ["--kokkos-threads", "whole number"]),
        "devices not a number": (["run", deck, "-o", "{tmp}/k.h5", "--kokkos-num-devices=1.5"],
                                 ["--kokkos-num-devices", "whole number"]),
        "a device to skip not a number": (["run", deck, "-o", "{tmp}/k.h5",
                                           "--kokkos-ndevices=2,x"],
                                          ["--kokkos-ndevices", "device to skip"]),
        "a Kokkos count without '='": (["run", deck, "-o", "{tmp}/k.h5", "--kokkos-numa", "2"],
                                       ["--kokkos-numa", "with '='"]),
        "a misspelt Kokkos option": (["run", deck, "-o", "{tmp}/k.h5", "--kokkos-thread=2"],
                                     ["unknown option '--kokkos-thread'"]),
    }
    def one(numbered):
        k, (label, (args, want)) = numbered
        tmp = os.path.join(root, f"cli_{k}")
        os.mkdir(tmp)
        t0 = time.time()
        r = subprocess.run([binary] + [a.replace("{tmp}", tmp) for a in args], capture_output=True,
                           timeout=120, env=ENV)
        return label, want, (r.returncode, r.stdout.decode("utf-8", "replace"),
                             r.stderr.decode("utf-8", "replace"), time.time() - t0), tmp

    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        for label, want, result, tmp in pool.map(one, enumerate(cases.items())):
            judge(label, want, result, tmp)
    left = [f for f in os.listdir(root) if f.startswith("an_output_directory")]
    check(left == ["an_output_directory"], f"nothing beside the directory given as output ({left})")


def main():
    global DECKS
    limit_resources()
    decks = sorted(f for f in os.listdir(os.path.join(SOURCE_BAD, "decks")) if f.endswith(".toml"))
    check(len(decks) >= 40, f"at least 40 bad decks ({len(decks)})")
    check(set(decks) == set(EXPECTED),
          f"every deck has an expected message and every expectation a deck "
          f"(no expectation: {sorted(set(decks) - set(EXPECTED))}, "
          f"no deck: {sorted(set(EXPECTED) - set(decks))})")

    with tempfile.TemporaryDirectory() as root:
        DECKS = make_inputs(os.path.join(root, "source"))
        # Inputs that are not deck files: a directory (named like a deck), a missing file.
        special = {}
        directory = os.path.join(root, "deck_is_a_directory.toml")
        os.mkdir(directory)
        special["(a directory as the deck)"] = (directory, ["deck_is_a_directory.toml"])
        special["(a missing deck)"] = (os.path.join(DECKS, "no_such_deck.toml"),
                                       ["no_such_deck.toml"])
        jobs = [(name, os.path.join(DECKS, name), EXPECTED.get(name, [])) for name in decks]
        jobs += [(label, path, want) for label, (path, want) in special.items()]
        # --dry-run "checks the deck and prints the plan": it refuses each of them alike.
        jobs += [(label + " (--dry-run)", path, want, "--dry-run") for label, path, want in jobs]

        def one(numbered):
            k, (label, path, want, *options) = numbered
            tmp = os.path.join(root, f"run_{k}")  # one output directory per input
            os.mkdir(tmp)
            return label, want, run(path, tmp, *options), tmp

        t0 = time.time()
        slowest = (0.0, "")
        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            for label, want, result, tmp in pool.map(one, enumerate(jobs)):
                seconds = judge(label, want, result, tmp)
                slowest = max(slowest, (seconds, label))

        # The control: an empty deck is valid (every key has a default) and runs.
        empty = os.path.join(root, "empty.toml")
        open(empty, "w").close()
        tmp = os.path.join(root, "control")
        os.mkdir(tmp)
        status, _, err, _ = run(empty, tmp)
        check(status == 0 and sorted(os.listdir(tmp)) == ["out.h5"],
              f"an empty deck runs with the defaults ({status}, {err.strip()!r}, "
              f"{sorted(os.listdir(tmp))})")
        check_command_lines(root, empty)
        print(f"{len(jobs)} bad inputs in {time.time() - t0:.1f} s "
              f"(slowest: {slowest[1]}, {slowest[0]:.1f} s)")
    finish()


main()
