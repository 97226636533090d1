"""The admission path (准入申请): applications, January and July review rounds, consultation
ballots, the office's review and the committee's decision, and the urgent path."""
