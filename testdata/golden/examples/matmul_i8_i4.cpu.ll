; LLVM IR emitted by q35c for "examples/matmul_i8_i4.q35"
source_filename = "examples/matmul_i8_i4.q35"

define i32 @matmul_i8_i4(i8* %A, i64 %A_bytes, i8* %W, i64 %W_bytes, float* %S, i64 %S_bytes, float* %C, i64 %C_bytes) {
entry:
	%0 = icmp ne i64 %A_bytes, 1024
	%1 = or i1 false, %0
	%2 = icmp ne i64 %W_bytes, 2048
	%3 = or i1 %1, %2
	%4 = icmp ne i64 %S_bytes, 128
	%5 = or i1 %3, %4
	%6 = icmp ne i64 %C_bytes, 256
	%7 = or i1 %5, %6
	%8 = alloca { i64, i64, i8*, i8*, float*, float* }
	br i1 %7, label %bad_size, label %body

bad_size:
	ret i32 1

body:
	%9 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %8, i32 0, i32 0
	store i64 0, i64* %9
	%10 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %8, i32 0, i32 1
	store i64 4, i64* %10
	%11 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %8, i32 0, i32 2
	store i8* %A, i8** %11
	%12 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %8, i32 0, i32 3
	store i8* %W, i8** %12
	%13 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %8, i32 0, i32 4
	store float* %S, float** %13
	%14 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %8, i32 0, i32 5
	store float* %C, float** %14
	%15 = bitcast { i64, i64, i8*, i8*, float*, float* }* %8 to i8*
	call void @GOMP_parallel(void (i8*)* @matmul_i8_i4.parallel.1, i8* %15, i32 0, i32 0)
	ret i32 0
}

define internal void @matmul_i8_i4.parallel.1(i8* %data) {
entry:
	%0 = bitcast i8* %data to { i64, i64, i8*, i8*, float*, float* }*
	%1 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %0, i32 0, i32 0
	%2 = load i64, i64* %1
	%3 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %0, i32 0, i32 1
	%4 = load i64, i64* %3
	%5 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %0, i32 0, i32 2
	%6 = load i8*, i8** %5
	%7 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %0, i32 0, i32 3
	%8 = load i8*, i8** %7
	%9 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %0, i32 0, i32 4
	%10 = load float*, float** %9
	%11 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %0, i32 0, i32 5
	%12 = load float*, float** %11
	%13 = call i32 @omp_get_thread_num()
	%14 = sext i32 %13 to i64
	%15 = call i32 @omp_get_num_threads()
	%16 = sext i32 %15 to i64
	%17 = sub i64 %4, %2
	%18 = icmp sgt i64 %17, 0
	%19 = select i1 %18, i64 %17, i64 0
	%20 = add i64 %19, 0
	%21 = sdiv i64 %20, 1
	%22 = sub i64 %16, 1
	%23 = add i64 %21, %22
	%24 = sdiv i64 %23, %16
	%25 = mul i64 %14, %24
	%26 = mul i64 %25, 1
	%27 = add i64 %2, %26
	%28 = mul i64 %24, 1
	%29 = add i64 %27, %28
	%30 = icmp slt i64 %29, %4
	%31 = select i1 %30, i64 %29, i64 %4
	%32 = alloca [4 x <64 x i8>], align 64
	%33 = bitcast [4 x <64 x i8>]* %32 to <64 x i8>*
	%34 = alloca [2 x i32], align 64
	%35 = bitcast [2 x i32]* %34 to i32*
	br label %for.1

for.1:
	%36 = phi i64 [ %27, %entry ], [ %82, %endfor.9 ]
	%37 = icmp slt i64 %36, %31
	br i1 %37, label %body.2, label %endfor.3

body.2:
	br label %for.4

endfor.3:
	ret void

for.4:
	%38 = phi i64 [ 0, %body.2 ], [ %79, %body.5 ]
	%39 = icmp slt i64 %38, 2
	br i1 %39, label %body.5, label %endfor.6

body.5:
	%40 = sub i64 %38, 0
	%41 = sdiv i64 %40, 1
	%42 = mul i64 0, 2
	%43 = add i64 %42, %41
	%44 = mul i64 %36, 256
	%45 = mul i64 %38, 128
	%46 = add i64 %44, %45
	%47 = add i64 %46, 0
	%48 = bitcast i8* %6 to i8*
	%49 = getelementptr i8, i8* %48, i64 %47
	%50 = bitcast i8* %49 to <64 x i8>*
	%51 = load <64 x i8>, <64 x i8>* %50, align 1
	%52 = shufflevector <64 x i8> %51, <64 x i8> undef, <64 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15, i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31, i32 32, i32 33, i32 34, i32 35, i32 36, i32 37, i32 38, i32 39, i32 40, i32 41, i32 42, i32 43, i32 44, i32 45, i32 46, i32 47, i32 48, i32 49, i32 50, i32 51, i32 52, i32 53, i32 54, i32 55, i32 56, i32 57, i32 58, i32 59, i32 60, i32 61, i32 62, i32 63>
	%53 = mul i64 %43, 2
	%54 = add i64 %53, 0
	%55 = getelementptr <64 x i8>, <64 x i8>* %33, i64 %54
	store <64 x i8> %52, <64 x i8>* %55
	%56 = sext <64 x i8> %52 to <64 x i32>
	%57 = mul <64 x i32> %56, <i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8>
	%58 = call i32 @llvm.vector.reduce.add.v64i32(<64 x i32> %57)
	%59 = mul i64 %36, 256
	%60 = mul i64 %38, 128
	%61 = add i64 %60, 64
	%62 = add i64 %59, %61
	%63 = add i64 %62, 0
	%64 = bitcast i8* %6 to i8*
	%65 = getelementptr i8, i8* %64, i64 %63
	%66 = bitcast i8* %65 to <64 x i8>*
	%67 = load <64 x i8>, <64 x i8>* %66, align 1
	%68 = shufflevector <64 x i8> %67, <64 x i8> undef, <64 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15, i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31, i32 32, i32 33, i32 34, i32 35, i32 36, i32 37, i32 38, i32 39, i32 40, i32 41, i32 42, i32 43, i32 44, i32 45, i32 46, i32 47, i32 48, i32 49, i32 50, i32 51, i32 52, i32 53, i32 54, i32 55, i32 56, i32 57, i32 58, i32 59, i32 60, i32 61, i32 62, i32 63>
	%69 = mul i64 %43, 2
	%70 = add i64 %69, 1
	%71 = getelementptr <64 x i8>, <64 x i8>* %33, i64 %70
	store <64 x i8> %68, <64 x i8>* %71
	%72 = sext <64 x i8> %68 to <64 x i32>
	%73 = mul <64 x i32> %72, <i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8, i32 8>
	%74 = call i32 @llvm.vector.reduce.add.v64i32(<64 x i32> %73)
	%75 = add i32 %58, %74
	%76 = mul i64 %43, 1
	%77 = add i64 %76, 0
	%78 = getelementptr i32, i32* %35, i64 %77
	store i32 %75, i32* %78
	%79 = add i64 %38, 1
	br label %for.4

endfor.6:
	br label %for.7

for.7:
	%80 = phi i64 [ 0, %endfor.6 ], [ %163, %endfor.12 ]
	%81 = icmp slt i64 %80, 16
	br i1 %81, label %body.8, label %endfor.9

body.8:
	br label %for.10

endfor.9:
	%82 = add i64 %36, 1
	br label %for.1

for.10:
	%83 = phi i64 [ 0, %body.8 ], [ %158, %body.11 ]
	%84 = phi float [ 0.0, %body.8 ], [ %157, %body.11 ]
	%85 = icmp slt i64 %83, 2
	br i1 %85, label %body.11, label %endfor.12

body.11:
	%86 = sub i64 %83, 0
	%87 = sdiv i64 %86, 1
	%88 = mul i64 0, 2
	%89 = add i64 %88, %87
	%90 = mul i64 %80, 128
	%91 = mul i64 %83, 64
	%92 = add i64 %90, %91
	%93 = add i64 %92, 0
	%94 = bitcast i8* %8 to i8*
	%95 = getelementptr i8, i8* %94, i64 %93
	%96 = bitcast i8* %95 to <64 x i8>*
	%97 = load <64 x i8>, <64 x i8>* %96, align 1
	%98 = shufflevector <64 x i8> %97, <64 x i8> undef, <64 x i32> <i32 0, i32 0, i32 1, i32 1, i32 2, i32 2, i32 3, i32 3, i32 4, i32 4, i32 5, i32 5, i32 6, i32 6, i32 7, i32 7, i32 8, i32 8, i32 9, i32 9, i32 10, i32 10, i32 11, i32 11, i32 12, i32 12, i32 13, i32 13, i32 14, i32 14, i32 15, i32 15, i32 16, i32 16, i32 17, i32 17, i32 18, i32 18, i32 19, i32 19, i32 20, i32 20, i32 21, i32 21, i32 22, i32 22, i32 23, i32 23, i32 24, i32 24, i32 25, i32 25, i32 26, i32 26, i32 27, i32 27, i32 28, i32 28, i32 29, i32 29, i32 30, i32 30, i32 31, i32 31>
	%99 = lshr <64 x i8> %98, <i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4>
	%100 = and <64 x i8> %99, <i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15>
	%101 = shl <64 x i8> %100, <i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0>
	%102 = xor <64 x i8> %101, <i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8>
	%103 = mul i64 %89, 2
	%104 = add i64 %103, 0
	%105 = getelementptr <64 x i8>, <64 x i8>* %33, i64 %104
	%106 = load <64 x i8>, <64 x i8>* %105, align 64
	%107 = sext <64 x i8> %106 to <64 x i16>
	%108 = zext <64 x i8> %102 to <64 x i16>
	%109 = shufflevector <64 x i16> %107, <64 x i16> undef, <32 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30, i32 32, i32 34, i32 36, i32 38, i32 40, i32 42, i32 44, i32 46, i32 48, i32 50, i32 52, i32 54, i32 56, i32 58, i32 60, i32 62>
	%110 = sext <32 x i16> %109 to <32 x i32>
	%111 = shufflevector <64 x i16> %108, <64 x i16> undef, <32 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30, i32 32, i32 34, i32 36, i32 38, i32 40, i32 42, i32 44, i32 46, i32 48, i32 50, i32 52, i32 54, i32 56, i32 58, i32 60, i32 62>
	%112 = sext <32 x i16> %111 to <32 x i32>
	%113 = mul <32 x i32> %110, %112
	%114 = shufflevector <64 x i16> %107, <64 x i16> undef, <32 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31, i32 33, i32 35, i32 37, i32 39, i32 41, i32 43, i32 45, i32 47, i32 49, i32 51, i32 53, i32 55, i32 57, i32 59, i32 61, i32 63>
	%115 = sext <32 x i16> %114 to <32 x i32>
	%116 = shufflevector <64 x i16> %108, <64 x i16> undef, <32 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31, i32 33, i32 35, i32 37, i32 39, i32 41, i32 43, i32 45, i32 47, i32 49, i32 51, i32 53, i32 55, i32 57, i32 59, i32 61, i32 63>
	%117 = sext <32 x i16> %116 to <32 x i32>
	%118 = mul <32 x i32> %115, %117
	%119 = add <32 x i32> %113, %118
	%120 = add <32 x i32> zeroinitializer, %119
	%121 = shufflevector <64 x i8> %97, <64 x i8> undef, <64 x i32> <i32 32, i32 32, i32 33, i32 33, i32 34, i32 34, i32 35, i32 35, i32 36, i32 36, i32 37, i32 37, i32 38, i32 38, i32 39, i32 39, i32 40, i32 40, i32 41, i32 41, i32 42, i32 42, i32 43, i32 43, i32 44, i32 44, i32 45, i32 45, i32 46, i32 46, i32 47, i32 47, i32 48, i32 48, i32 49, i32 49, i32 50, i32 50, i32 51, i32 51, i32 52, i32 52, i32 53, i32 53, i32 54, i32 54, i32 55, i32 55, i32 56, i32 56, i32 57, i32 57, i32 58, i32 58, i32 59, i32 59, i32 60, i32 60, i32 61, i32 61, i32 62, i32 62, i32 63, i32 63>
	%122 = lshr <64 x i8> %121, <i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4, i8 0, i8 4>
	%123 = and <64 x i8> %122, <i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15, i8 15>
	%124 = shl <64 x i8> %123, <i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0, i8 0>
	%125 = xor <64 x i8> %124, <i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8, i8 8>
	%126 = mul i64 %89, 2
	%127 = add i64 %126, 1
	%128 = getelementptr <64 x i8>, <64 x i8>* %33, i64 %127
	%129 = load <64 x i8>, <64 x i8>* %128, align 64
	%130 = sext <64 x i8> %129 to <64 x i16>
	%131 = zext <64 x i8> %125 to <64 x i16>
	%132 = shufflevector <64 x i16> %130, <64 x i16> undef, <32 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30, i32 32, i32 34, i32 36, i32 38, i32 40, i32 42, i32 44, i32 46, i32 48, i32 50, i32 52, i32 54, i32 56, i32 58, i32 60, i32 62>
	%133 = sext <32 x i16> %132 to <32 x i32>
	%134 = shufflevector <64 x i16> %131, <64 x i16> undef, <32 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30, i32 32, i32 34, i32 36, i32 38, i32 40, i32 42, i32 44, i32 46, i32 48, i32 50, i32 52, i32 54, i32 56, i32 58, i32 60, i32 62>
	%135 = sext <32 x i16> %134 to <32 x i32>
	%136 = mul <32 x i32> %133, %135
	%137 = shufflevector <64 x i16> %130, <64 x i16> undef, <32 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31, i32 33, i32 35, i32 37, i32 39, i32 41, i32 43, i32 45, i32 47, i32 49, i32 51, i32 53, i32 55, i32 57, i32 59, i32 61, i32 63>
	%138 = sext <32 x i16> %137 to <32 x i32>
	%139 = shufflevector <64 x i16> %131, <64 x i16> undef, <32 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31, i32 33, i32 35, i32 37, i32 39, i32 41, i32 43, i32 45, i32 47, i32 49, i32 51, i32 53, i32 55, i32 57, i32 59, i32 61, i32 63>
	%140 = sext <32 x i16> %139 to <32 x i32>
	%141 = mul <32 x i32> %138, %140
	%142 = add <32 x i32> %136, %141
	%143 = add <32 x i32> %120, %142
	%144 = call i32 @llvm.vector.reduce.add.v32i32(<32 x i32> %143)
	%145 = mul i64 %89, 1
	%146 = getelementptr i32, i32* %35, i64 %145
	%147 = getelementptr i32, i32* %146, i64 0
	%148 = load i32, i32* %147
	%149 = sub i32 %144, %148
	%150 = sitofp i32 %149 to float
	%151 = add i64 0, %80
	%152 = mul i64 %151, 2
	%153 = add i64 %152, %83
	%154 = getelementptr float, float* %10, i64 %153
	%155 = load float, float* %154
	%156 = fmul float %150, %155
	%157 = fadd float %84, %156
	%158 = add i64 %83, 1
	br label %for.10

endfor.12:
	%159 = add i64 0, %36
	%160 = mul i64 %159, 16
	%161 = add i64 %160, %80
	%162 = getelementptr float, float* %12, i64 %161
	store float %84, float* %162
	%163 = add i64 %80, 1
	br label %for.7
}

declare i32 @omp_get_thread_num()

declare i32 @omp_get_num_threads()

declare i32 @llvm.vector.reduce.add.v64i32(<64 x i32> %0)

declare i32 @llvm.vector.reduce.add.v32i32(<32 x i32> %0)

declare void @GOMP_parallel(void (i8*)* %0, i8* %1, i32 %2, i32 %3)
