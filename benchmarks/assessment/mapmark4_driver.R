# MapMark4 side of the assessment benchmark and oracle (benchmarks/assessment/bench_assessment.py,
# benchmarks/assessment/validate_mapmark4.py). Dev-only: never a CI dependency.
#
# Needs R with MapMark4 and compositions in a scratch library (see benchmarks/assessment/README.md):
#   R_LIBS=/tmp/rlib Rscript benchmarks/assessment/mapmark4_driver.R nbfit DEPEST.csv OUT.json
#   R_LIBS=/tmp/rlib Rscript benchmarks/assessment/mapmark4_driver.R simulate GT.csv PMF.csv TONPDF GRADEPDF \
#       SEED NSIM OUT.json TOTALS.csv
# nbfit:    time NDepositsPmf("NegBinomial") on a MapMark4 estimates CSV; write the pmf and timings as JSON.
# simulate: MapMark4's pipeline TonnagePdf -> GradePdf -> NDepositsPmf("Custom", pmf from PMF.csv: columns
#           n_deposits, probability) -> Simulation -> TotalTonnagePdf, each stage timed; per-trial totals to
#           TOTALS.csv (for KS tests), timings, deposit count, predicted/simulated moments and peak RSS to JSON.
# Times are elapsed seconds (proc.time()); cpu_seconds = user + system of the R process per stage (tonnage pdf,
# grade pdf, pmf, simulation, totals); peak RSS is VmHWM of this R process.

suppressPackageStartupMessages(library(MapMark4))

args <- commandArgs(trailingOnly = TRUE)
task <- args[1]

elapsed <- function(expr) {
  t0 <- proc.time()
  value <- force(expr)
  dt <- proc.time() - t0
  list(value = value, seconds = dt[["elapsed"]], cpu = dt[["user.self"]] + dt[["sys.self"]])
}

vm_hwm_mib <- function() {
  st <- readLines("/proc/self/status")
  line <- grep("^VmHWM:", st, value = TRUE)
  as.numeric(strsplit(trimws(sub("VmHWM:", "", line)), " +")[[1]][1]) / 1024
}

json_num <- function(x) {
  paste0("[", paste(formatC(x, digits = 17, format = "g"), collapse = ","), "]")
}

write_json <- function(fields, path) {
  body <- paste0('  "', names(fields), '": ', unlist(fields), collapse = ",\n")
  writeLines(paste0("{\n", body, "\n}"), path)
}

versions <- function() {
  paste0('{"R": "', R.version$major, ".", R.version$minor,
         '", "MapMark4": "', as.character(packageVersion("MapMark4")),
         '", "compositions": "', as.character(packageVersion("compositions")),
         '", "ks": "', as.character(packageVersion("ks")), '"}')
}

if (task == "nbfit") {
  depEst <- read.csv(args[2], stringsAsFactors = FALSE)
  r <- elapsed(NDepositsPmf("NegBinomial", list(nDepEst = depEst)))
  o <- r$value
  write_json(list(task = '"nbfit"', seconds = r$seconds, cpu_seconds = r$cpu, n_deposits = json_num(o$nDeposits),
                  probabilities = json_num(o$probs), mean = json_num(o$theMean),
                  variance = json_num(o$theVar), entropy = json_num(o$entropy),
                  peak_rss_mib = vm_hwm_mib(), versions = versions()), args[3])
} else if (task == "simulate") {
  gatm <- read.csv(args[2], stringsAsFactors = TRUE)
  pmfTab <- read.csv(args[3])
  tonType <- args[4]
  gradeType <- args[5]
  seed <- as.integer(args[6])
  nSim <- as.integer(args[7])
  hasGrades <- ncol(gatm) > 3
  tTon <- elapsed(TonnagePdf(gatm, seed = seed, pdfType = tonType))
  tGrade <- if (hasGrades) elapsed(GradePdf(gatm, seed = seed, pdfType = gradeType)) else list(seconds = 0, cpu = 0)
  tPmf <- elapsed(NDepositsPmf("Custom", list(nDeposits = pmfTab$n_deposits,
                                              relProbabilities = pmfTab$probability)))
  if (hasGrades) {
    tSim <- elapsed(Simulation(tPmf$value, tTon$value, tGrade$value, seed = seed, nSimulations = nSim))
    tTot <- elapsed(TotalTonnagePdf(tSim$value, tPmf$value, tTon$value, tGrade$value))
  } else {
    tSim <- elapsed(Simulation(tPmf$value, tTon$value, seed = seed, nSimulations = nSim))
    tTot <- elapsed(TotalTonnagePdf(tSim$value, tPmf$value, tTon$value))
  }
  tot <- tTot$value
  write.csv(tot$rs, args[9], row.names = FALSE)
  ds <- tSim$value$deposits
  nDep <- sum(!is.na(ds[, 3]))
  write_json(list(task = '"simulate"', tonnage_pdf = paste0('"', tonType, '"'),
                  grade_pdf = paste0('"', gradeType, '"'), seed = seed, trials = nSim,
                  trials_simulated = nrow(tot$rs), deposits_simulated = nDep,
                  seconds_tonnage_pdf = tTon$seconds, seconds_grade_pdf = tGrade$seconds,
                  seconds_pmf = tPmf$seconds, seconds_simulation = tSim$seconds,
                  seconds_total_tonnage_pdf = tTot$seconds,
                  cpu_seconds = json_num(c(tTon$cpu, tGrade$cpu, tPmf$cpu, tSim$cpu, tTot$cpu)),
                  quantities = paste0("[", paste0('"', colnames(tot$rs), '"', collapse = ","), "]"),
                  sim_mean = json_num(tot$theMean), sim_sd = json_num(tot$theSd),
                  pred_mean = json_num(tot$thePredMean), pred_sd = json_num(tot$thePredSd),
                  peak_rss_mib = vm_hwm_mib(), versions = versions()), args[8])
} else {
  stop(paste("unknown task", task, "- expected nbfit or simulate"))
}
