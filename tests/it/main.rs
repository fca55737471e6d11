mod rate;
